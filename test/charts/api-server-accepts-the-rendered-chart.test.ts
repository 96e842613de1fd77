// The rendered chart is valid for the real API server (Kubernetes 1.34), not only well-formed YAML:
// every object goes through server-side apply with dryRun=All (validation, defaulting, admission,
// nothing stored), with the default values and with every optional value set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { renderChart, type ChartObject } from '../support/chart.js';
import { sharedKube, uniqueNamespace, type KubeEnv } from '../support/kube.js';

let kube: KubeEnv;
let ns: string;

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'chart-dry-run');
});

after(async () => {
  await kube.stop();
});

/** Server-side apply with dryRun=All of each object; the API server's refusal names the object. */
async function dryRunApply(objects: ChartObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kube.kubeConfig);
  for (const obj of objects) {
    try {
      await api.patch(obj, undefined, 'All', 'sidelane-chart-test', true, PatchStrategy.ServerSideApply);
    } catch (err) {
      const body = (err as { body?: unknown }).body;
      throw new Error(`${obj.kind}/${obj.metadata.name} refused: ${typeof body === 'string' ? body : String(err)}`, { cause: err });
    }
  }
}

test('the default rendering is accepted by the API server, and nothing is stored', { timeout: 60_000 }, async () => {
  const objects = await renderChart({ release: ns, namespace: ns, values: { injector: { webhookConfigName: `${ns}-injector` } } });
  assert.ok(objects.length >= 23);
  assert.ok(objects.some((o) => o.kind === 'GatewayClass'), 'the GatewayClass is validated against the installed CRD too');
  await dryRunApply(objects);
  const api = KubernetesObjectApi.makeApiClient(kube.kubeConfig);
  const deployment = objects.find((o) => o.kind === 'Deployment');
  assert.ok(deployment);
  await assert.rejects(api.read(deployment), (err: { code?: number }) => err.code === 404, 'a dry run stores nothing');
});

test('every optional value renders to objects the API server accepts', { timeout: 60_000 }, async () => {
  const objects = await renderChart({
    release: ns,
    namespace: ns,
    values: {
      image: { repository: 'registry.example/sidelane', tag: 'dev', pullPolicy: 'Always' },
      imagePullSecrets: [{ name: 'registry' }],
      logLevel: 'debug',
      clusterDomain: 'corp.local',
      controller: { replicas: 3, proxyAuth: 'none', gatewaySecrets: false, podAnnotations: { 'prometheus.io/scrape': 'true' } },
      injector: {
        replicas: 1,
        failurePolicy: 'Fail',
        webhookConfigName: `${ns}-injector`,
        webhookUrl: 'https://127.0.0.1:15017/inject',
        podAnnotations: { team: 'mesh' },
      },
      proxy: {
        resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '1', memory: '300Mi' } },
        logLevel: 'warn',
        uid: 2000,
        excludeInboundPorts: [9090],
        excludeOutboundPorts: [3306],
        excludeOutboundIpRanges: ['169.254.169.254/32'],
      },
      gateway: {
        className: ns,
        replicas: 1,
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        service: {
          type: 'NodePort',
          ports: [{ name: 'http', port: 80 }, { name: 'postgres', port: 5432 }, { name: 'dns', port: 53, protocol: 'UDP' }],
          annotations: { 'lb.example/internal': 'true' },
          externalTrafficPolicy: 'Local',
        },
        autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 75 },
        podAnnotations: { team: 'edge' },
      },
      tracing: { otlpEndpoint: 'http://otel-collector.observability:4318' },
      podDisruptionBudget: { enabled: true },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'mesh', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'mesh', operator: 'Exists' }] } }] } },
    },
  });
  // One injector replica: no PDB for it (minAvailable 1 would block every drain); the gateway's follows autoscaling.minReplicas.
  assert.deepEqual(objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name), ['sidelane-controller', 'sidelane-gateway']);
  assert.ok(objects.some((o) => o.kind === 'HorizontalPodAutoscaler'));
  await dryRunApply(objects);
});
