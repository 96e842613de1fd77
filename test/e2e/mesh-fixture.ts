// The whole mesh for the end-to-end test, as a cluster would run it: the real API server, the
// chart's webhook configuration pointing at a running injector, the controller (proxies prove
// themselves with their pod's token), and pods the API server stored after injection, each run by
// the test kubelet in its own network namespace. The test also plays the endpoint controller
// (EndpointSlices from pod IPs) and the kubelet's status updates (pod IPs).
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import type { RunningController } from '../../src/cli/controller-command.js';
import { startControlPlane } from '../support/control-plane.js';
import { startInjector, type RunningInjector } from '../../src/cli/injector-command.js';
import { createLogger } from '../../sidecar/observe/log.js';
import { renderChart, only } from '../support/chart.js';
import { caBundles, deleteWebhookConfiguration, eventually } from '../support/injector-webhook.js';
import { applyObjects, uniqueNamespace, type KubeEnv } from '../support/kube.js';
import { runPod, type RunningPod } from '../support/kubelet.js';
import { createNetwork, type Network, type NetnsHost } from '../support/netns.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';

export interface Mesh {
  kube: KubeEnv;
  network: Network;
  /** The namespace labelled sidelane-injection=enabled, where the app pods live. */
  apps: string;
  otlp: OtlpReceiver;
  controller: RunningController;
  injector: RunningInjector;
  /** Creates a pod through the API server (the webhook injects it), gives it a network namespace and runs it. */
  startPod(pod: V1Pod): Promise<MeshPod>;
  /** The endpoint controller's part: one EndpointSlice per Service, from the ready pods its selector matches. */
  publishEndpoints(service: V1Service, pods: readonly MeshPod[]): Promise<void>;
  /** Every container's output, for a failing test's message. */
  podLogs(): string;
  close(): Promise<void>;
}

export interface MeshPod {
  stored: V1Pod;
  host: NetnsHost;
  running: RunningPod;
}

const quiet = createLogger({ level: (process.env.SIDELANE_TEST_LOG as 'info' | undefined) ?? 'silent' });

export async function startMesh(kube: KubeEnv): Promise<Mesh> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const network = await createNetwork('e2e');
    cleanups.push(() => network.close());
    const gateway = network.ipv4.gateway;
    const system = await uniqueNamespace(kube, 'sl-system');
    const apps = await uniqueNamespace(kube, 'sl-apps', { 'sidelane-injection': 'enabled' });
    const work = await mkdtemp(join(tmpdir(), 'sidelane-e2e-'));
    // Containers run as other users (the proxy's UID, the app's) and must reach their volumes.
    await chmod(work, 0o755);
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    const otlp = await startOtlpReceiver(gateway);
    cleanups.push(() => otlp.close());

    // Proxies in the namespaces reach the controller on the bridge's address (in a cluster: the
    // sidelane-controller Service).
    const controller = await startControlPlane(kube, { leaseNamespace: system, configHost: gateway, proxyAuth: 'tokenreview' });
    cleanups.push(() => controller.close());

    const release = system.replace(/^sl-system-/, 'e2e-');
    const values = {
      tracing: { otlpEndpoint: `http://${gateway}:${new URL(otlp.url).port}` },
      injector: { webhookConfigName: `${release}-injector` },
    };
    const chart = await renderChart({ release, namespace: system, values });
    // The injector config the chart gives, but with the controller where this test runs it.
    const configMap = only(chart, 'ConfigMap') as unknown as { data: Record<string, string> };
    const config = parse(configMap.data['injector.yaml'] ?? '') as Record<string, unknown>;
    config.controlPlane = [`${gateway}:${String(controller.configPort)}`];
    const configPath = join(work, 'injector.yaml');
    await writeFile(configPath, stringify(config));
    const injector = await startInjector(
      {
        listen: '127.0.0.1:0', config: configPath, namespace: system, webhookConfig: values.injector.webhookConfigName,
        tlsSecret: 'sidelane-injector-tls', dnsName: [], ipSan: ['127.0.0.1'], failurePolicy: 'Fail', logLevel: 'silent',
        caValidity: '1d', certValidity: '1d', resync: '1s',
      },
      { kubeConfig: kube.kubeConfig, log: quiet },
    );
    cleanups.push(() => injector.close());

    // The chart's webhook configuration, pointed at the running injector (the chart's webhookUrl value).
    const webhookChart = await renderChart({
      release,
      namespace: system,
      values: { ...values, injector: { ...values.injector, webhookUrl: `https://127.0.0.1:${String(injector.port)}/inject`, failurePolicy: 'Fail' } },
    });
    const webhook = only(webhookChart, 'MutatingWebhookConfiguration');
    cleanups.push(() => deleteWebhookConfiguration(kube.kubeConfig, webhook.metadata.name));
    await applyObjects(kube, [webhook]);
    await eventually('the injector to patch the caBundle', async () => {
      const bundles = await caBundles(kube.kubeConfig, webhook.metadata.name);
      return bundles.length > 0 && bundles.every((b) => b !== '') ? true : undefined;
    });

    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    const pods: MeshPod[] = [];
    const startPod = async (pod: V1Pod): Promise<MeshPod> => {
      const name = pod.metadata?.name ?? '';
      // Failure policy Fail: a webhook that is not ready yet refuses the pod; the API server
      // may also take a moment to use a new webhook configuration.
      const created = await eventually(`pod ${name} created with the proxy injected`, async () => {
        try {
          const made = await core.createNamespacedPod({ namespace: apps, body: pod });
          if ((made.spec?.initContainers ?? []).some((c) => c.name === 'sidelane-proxy')) return made;
          await core.deleteNamespacedPod({ name, namespace: apps, gracePeriodSeconds: 0 });
          return undefined;
        } catch {
          return undefined;
        }
      });
      const host = await network.addHost(`pod${String(pods.length)}`);
      // The kubelet reports the pod's IP once its sandbox exists.
      await core.replaceNamespacedPodStatus({
        name,
        namespace: apps,
        body: { apiVersion: 'v1', kind: 'Pod', metadata: created.metadata, spec: created.spec, status: { phase: 'Running', podIP: host.ipv4, podIPs: [{ ip: host.ipv4 }] } },
      });
      const running = await runPod(kube, created, { ip: host.ipv4, spawn: (command, args, o) => host.exec(command, args, o) }, work);
      cleanups.push(() => running.stop());
      const started = { stored: created, host, running };
      pods.push(started);
      return started;
    };

    const publishEndpoints = async (service: V1Service, pods: readonly MeshPod[]): Promise<void> => {
      const name = service.metadata?.name ?? '';
      const port = service.spec?.ports?.[0];
      const body = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${name}-e2e`, namespace: apps, labels: { 'kubernetes.io/service-name': name } },
        addressType: 'IPv4',
        ports: [{ name: port?.name ?? 'http', port: Number(port?.targetPort ?? port?.port), protocol: 'TCP' }],
        endpoints: pods.map((p) => ({ addresses: [p.host.ipv4], conditions: { ready: true }, targetRef: { kind: 'Pod', name: p.stored.metadata?.name ?? '', namespace: apps } })),
      };
      await applyObjects(kube, [body]);
    };

    const podLogs = (): string => pods.map((p) => `=== pod ${p.stored.metadata?.name ?? ''} (${p.host.ipv4})\n${p.running.logs()}`).join('\n');
    return { kube, network, apps, otlp, controller, injector, startPod, publishEndpoints, podLogs, close };
  } catch (err) {
    await close();
    throw err;
  }
}
