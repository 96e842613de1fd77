// The whole chain, for real: API server → webhook (the chart's configuration) → injected pods →
// the init container's iptables rules in each pod's network namespace → sidecars fed by the
// controller → an HTTPRoute with a Service parent. The client app calls a ClusterIP with plain
// HTTP; everything between is the mesh.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { eventually } from '../support/injector-webhook.js';
import { applyObjects, sharedKube } from '../support/kube.js';
import { requireRootNetworking } from '../support/netns.js';
import { callFromPod, tally, type Call } from './client-app.js';
import { startMesh, type MeshPod } from './mesh-fixture.js';

const APP_USER = 1000;

// This file starts a dozen processes in network namespaces; should anything of them outlive the test
// (a bug), the run must still end rather than wait for CI's time limit.
after(() => {
  setTimeout(() => {
    process.stderr.write('end-to-end test: handles still open 60 s after the test ended; exiting\n');
    process.exit(1);
  }, 60_000).unref();
});

function appPod(name: string, labels: Record<string, string>, serviceAccount: string): V1Pod {
  return {
    metadata: { name, labels },
    spec: {
      serviceAccountName: serviceAccount,
      containers: [
        {
          name: 'app',
          image: 'ghcr.io/sidelane/sidelane:test',
          command: ['sidelane', 'echo', '--listen', '0.0.0.0:8080', '--name', name, '--quiet'],
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
          securityContext: { runAsUser: APP_USER, runAsGroup: APP_USER },
          // The usual zero-downtime setting (with Istio and Linkerd too): keep serving while the
          // endpoint update reaches the callers' proxies.
          lifecycle: { preStop: { sleep: { seconds: 1 } } },
        },
      ],
    },
  };
}

function service(name: string, selector: Record<string, string>): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  };
}

function splitRoute(namespace: string, weights: { v1: number; v2: number }): object {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'server-split', namespace },
    spec: {
      parentRefs: [{ group: '', kind: 'Service', name: 'server', port: 80 }],
      rules: [
        { matches: [{ headers: [{ name: 'x-version', value: 'v2' }] }], backendRefs: [{ name: 'server-v2', port: 80 }] },
        { backendRefs: [{ name: 'server-v1', port: 80, weight: weights.v1 }, { name: 'server-v2', port: 80, weight: weights.v2 }] },
      ],
    },
  };
}

const byVersion = (calls: readonly Call[]): { v1: number; v2: number; failed: Call[] } => ({
  v1: calls.filter((c) => c.status === 200 && c.name.startsWith('server-v1')).length,
  v2: calls.filter((c) => c.status === 200 && c.name.startsWith('server-v2')).length,
  failed: calls.filter((c) => c.status !== 200),
});

test('a labelled namespace joins the mesh: injected pods, intercepted calls to a ClusterIP follow the HTTPRoute, traced and counted', { timeout: 300_000 }, async (t) => {
  if (!requireRootNetworking(t)) return;
  const kube = await sharedKube();
  const mesh = await startMesh(kube);
  try {
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    const ns = mesh.apps;
    // No controller-manager here: the ServiceAccounts it would make are made by hand.
    for (const name of ['client', 'server']) await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name } } });
    const services = [
      service('server', { app: 'server' }),
      service('server-v1', { app: 'server', version: 'v1' }),
      service('server-v2', { app: 'server', version: 'v2' }),
    ];
    const created = new Map<string, V1Service>();
    for (const s of services) created.set(s.metadata?.name ?? '', await core.createNamespacedService({ namespace: ns, body: s }));
    await applyObjects(kube, [{ ...splitRoute(ns, { v1: 90, v2: 10 }) }]);

    const v1a = await mesh.startPod(appPod('server-v1-a', { app: 'server', version: 'v1' }, 'server'));
    const v1b = await mesh.startPod(appPod('server-v1-b', { app: 'server', version: 'v1' }, 'server'));
    const v2 = await mesh.startPod(appPod('server-v2-a', { app: 'server', version: 'v2' }, 'server'));
    const client = await mesh.startPod(appPod('client-a', { app: 'client' }, 'client'));

    // What the webhook stored: a native sidecar after the iptables init container.
    const initNames = (client.stored.spec?.initContainers ?? []).map((c) => c.name);
    assert.deepEqual(initNames.slice(0, 2), ['sidelane-init', 'sidelane-proxy']);
    assert.equal(client.stored.spec?.initContainers?.[1]?.restartPolicy, 'Always');

    const publish = async (v1Pods: readonly MeshPod[]): Promise<void> => {
      await mesh.publishEndpoints(must(created.get('server')), [...v1Pods, v2]);
      await mesh.publishEndpoints(must(created.get('server-v1')), v1Pods);
      await mesh.publishEndpoints(must(created.get('server-v2')), [v2]);
    };
    await publish([v1a, v1b]);
    const url = `http://${must(created.get('server')).spec?.clusterIP ?? ''}/split`;

    // The split: 90/10 over 200 calls (v2 expected 20, sd ≈ 4.2; the bounds are about ±3.3 sd).
    await waitForAnswers(client, url);
    const split = byVersion(await callFromPod(client.host, url, { count: 200 }));
    assert.deepEqual(split.failed, [], 'no call of the split failed');
    assert.ok(split.v2 >= 6 && split.v2 <= 34, `about 10% to v2: ${JSON.stringify(split)}`);
    // The header rule: every call with x-version: v2 goes to v2.
    const header = byVersion(await callFromPod(client.host, url, { count: 30, headers: { 'x-version': 'v2' } }));
    assert.deepEqual({ v1: header.v1, v2: header.v2, failed: header.failed.length }, { v1: 0, v2: 30, failed: 0 });

    // Traces: the client's proxy (CLIENT span) is the parent of the server's proxy (SERVER span).
    // Each proxy exports in its own batches, so both sides are awaited.
    const crossing = await eventually('spans of both hops of one call', () => {
      const spans = mesh.otlp.spans();
      const clients = new Set(spans.filter((s) => s.kind === 'CLIENT').map((s) => s.spanId));
      const found = spans.filter((s) => s.kind === 'SERVER' && clients.has(s.parentSpanId));
      return Promise.resolve(found.length > 0 ? found : undefined);
    }, 30_000);
    assert.ok(crossing.every((s) => s.name === 'GET'), 'server spans name the method');

    // Metrics: the client's proxy counted the calls by route (scraped on the pod IP, as Prometheus does).
    const metrics = await (await fetch(`http://${client.host.ipv4}:15000/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    const outbound = metrics.split('\n').filter((line) => line.startsWith('sidelane_requests_total{') && line.includes('direction="outbound"') && line.includes('server-split'));
    const counted = outbound.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    assert.ok(counted >= 230, `outbound requests by route server-split: ${String(counted)}\n${outbound.join('\n')}`);

    // A server pod goes away under load: the endpoint controller drops it, the kubelet stops it.
    const load = callFromPod(client.host, url, { durationMs: 4000 });
    await new Promise((r) => setTimeout(r, 1000));
    await core.deleteNamespacedPod({ name: must(v1b.stored.metadata?.name), namespace: ns, gracePeriodSeconds: 0 });
    await publish([v1a]);
    await v1b.running.stop();
    const during = byVersion(await load);
    assert.ok(during.failed.length <= 1, `at most the call in flight fails: ${JSON.stringify(tally(during.failed))}`);
    assert.ok(during.v1 + during.v2 > 20, `traffic kept flowing: ${JSON.stringify(during)}`);

    // The route changes: all traffic to v2, within a second of the API server accepting it.
    const moving = callFromPod(client.host, url, { durationMs: 3000 });
    await new Promise((r) => setTimeout(r, 500));
    const changedAt = Date.now();
    await applyObjects(kube, [{ ...splitRoute(ns, { v1: 0, v2: 100 }) }]);
    const after = await moving;
    const lastV1 = Math.max(0, ...after.filter((c) => c.name.startsWith('server-v1')).map((c) => c.at));
    assert.ok(lastV1 - changedAt < 1000, `the last call to v1 came ${String(lastV1 - changedAt)} ms after the change`);
    assert.ok(after.some((c) => c.at > changedAt + 1000 && c.name.startsWith('server-v2')), 'v2 answers after the change');
  } catch (err) {
    for (const line of mesh.podLogs().split('\n').slice(-300)) t.diagnostic(line);
    throw err;
  } finally {
    await mesh.close();
  }
});

async function waitForAnswers(client: MeshPod, url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [call] = await callFromPod(client.host, url, { count: 1 });
    if (call?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} never answered from the client pod: ${JSON.stringify(call)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing');
  return value;
}

