// Values do what values.yaml says: the webhook's failure policy and URL, the proxy settings the
// injector reads from its ConfigMap, the Secrets grant, the PDBs, the scheduling, the gateway (on
// or off, its class, Service and autoscaling); and values the chart cannot honour are refused by
// values.schema.json before anything renders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInjectorConfig } from '../../injector/config.js';
import { only, renderChart, type ChartObject } from '../support/chart.js';

interface Webhook { failurePolicy: string; clientConfig: Record<string, unknown> }
interface Rule { apiGroups: string[]; resources: string[]; verbs: string[] }

function webhooks(objects: ChartObject[]): Webhook[] {
  return (only(objects, 'MutatingWebhookConfiguration') as ChartObject & { webhooks: Webhook[] }).webhooks;
}

function injectorConfigText(objects: ChartObject[]): string {
  return (only(objects, 'ConfigMap', 'sidelane-injector') as ChartObject & { data: Record<string, string> }).data['injector.yaml'] ?? '';
}

function containerArgs(objects: ChartObject[], deployment: string): string[] {
  const d = only(objects, 'Deployment', deployment) as ChartObject & { spec: { template: { spec: { containers: { args: string[] }[] } } } };
  return d.spec.template.spec.containers[0]?.args ?? [];
}

test('failurePolicy Fail reaches both webhooks and the injector', { timeout: 30_000 }, async () => {
  const objects = await renderChart({ values: { injector: { failurePolicy: 'Fail' } } });
  assert.deepEqual(webhooks(objects).map((w) => w.failurePolicy), ['Fail', 'Fail']);
  assert.ok(containerArgs(objects, 'sidelane-injector').includes('--failure-policy=Fail'));
});

test('webhookUrl replaces the Service in clientConfig (and never sets a caBundle)', { timeout: 30_000 }, async () => {
  const url = 'https://127.0.0.1:15017/inject';
  const objects = await renderChart({ values: { injector: { webhookUrl: url, webhookConfigName: 'dev-injector' } } });
  assert.equal(only(objects, 'MutatingWebhookConfiguration').metadata.name, 'dev-injector');
  assert.deepEqual(webhooks(objects).map((w) => w.clientConfig), [{ url }, { url }]);
  const role = only(objects, 'ClusterRole', 'sidelane-injector') as ChartObject & { rules: { resourceNames: string[] }[] };
  assert.deepEqual(role.rules[0]?.resourceNames, ['dev-injector'], 'the injector may patch the renamed configuration');
  assert.ok(containerArgs(objects, 'sidelane-injector').includes('--webhook-config=dev-injector'));
});

test('proxy resources, log level, UID, exclusions and tracing land in the injector config', { timeout: 30_000 }, async () => {
  const resources = { requests: { cpu: '20m', memory: '100Mi' }, limits: { cpu: '2', memory: '300Mi' } };
  const objects = await renderChart({
    namespace: 'mesh-system',
    values: {
      image: { repository: 'registry.example/sidelane', tag: 'dev', pullPolicy: 'Always' },
      proxy: { resources, logLevel: 'debug', uid: 2000, excludeInboundPorts: [9090], excludeOutboundPorts: [3306, 5432], excludeOutboundIpRanges: ['169.254.169.254/32'] },
      tracing: { otlpEndpoint: 'http://otel.observability:4318' },
    },
  });
  const config = parseInjectorConfig(injectorConfigText(objects), 'the chart');
  assert.deepEqual(config, {
    image: 'registry.example/sidelane:dev',
    imagePullPolicy: 'Always',
    controlPlane: ['sidelane-controller.mesh-system.svc:15010'],
    systemNamespace: 'mesh-system',
    proxyUid: 2000,
    logLevel: 'debug',
    otlpEndpoint: 'http://otel.observability:4318',
    resources,
    excludeInboundPorts: [9090],
    excludeOutboundPorts: [3306, 5432],
    excludeOutboundIpRanges: ['169.254.169.254/32'],
  });
});

test('a changed injector config rolls the injector pods (the ConfigMap checksum moves)', { timeout: 30_000 }, async () => {
  const checksum = (objects: ChartObject[]): string | undefined =>
    (only(objects, 'Deployment', 'sidelane-injector') as ChartObject & { spec: { template: { metadata: { annotations?: Record<string, string> } } } })
      .spec.template.metadata.annotations?.['checksum/config'];
  const before = checksum(await renderChart());
  const after = checksum(await renderChart({ values: { proxy: { logLevel: 'debug' } } }));
  assert.match(before ?? '', /^[0-9a-f]{64}$/);
  assert.notEqual(after, before);
});

test('gatewaySecrets false takes Secrets out of the controller\'s ClusterRole, and nothing else', { timeout: 30_000 }, async () => {
  const rules = async (gatewaySecrets: boolean): Promise<Rule[]> =>
    (only(await renderChart({ values: { controller: { gatewaySecrets } } }), 'ClusterRole', 'sidelane-controller') as ChartObject & { rules: Rule[] }).rules;
  const withSecrets = await rules(true);
  const without = await rules(false);
  const secretsRule = withSecrets.find((r) => r.apiGroups.includes('') && r.resources.includes('secrets'));
  assert.deepEqual(secretsRule?.verbs, ['list', 'watch']);
  assert.deepEqual(without, withSecrets.filter((r) => r !== secretsRule));
});

test('PDBs follow podDisruptionBudget.enabled and are left out for a single replica', { timeout: 30_000 }, async () => {
  const pdbs = async (values: Record<string, unknown>): Promise<string[]> =>
    (await renderChart({ values })).filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name);
  assert.deepEqual(await pdbs({}), ['sidelane-controller', 'sidelane-gateway', 'sidelane-injector']);
  assert.deepEqual(await pdbs({ podDisruptionBudget: { enabled: false } }), []);
  assert.deepEqual(await pdbs({ controller: { replicas: 1 }, gateway: { replicas: 1 } }), ['sidelane-injector']);
  assert.deepEqual(await pdbs({ gateway: { enabled: false } }), ['sidelane-controller', 'sidelane-injector']);
  assert.deepEqual(await pdbs({ gateway: { replicas: 1, autoscaling: { enabled: true, minReplicas: 3 } } }), ['sidelane-controller', 'sidelane-gateway', 'sidelane-injector']);
});

test('controller flags follow values: proxy auth, log level, cluster domain', { timeout: 30_000 }, async () => {
  const args = containerArgs(await renderChart({ values: { controller: { proxyAuth: 'none' }, logLevel: 'debug', clusterDomain: 'corp.local' } }), 'sidelane-controller');
  for (const flag of ['--proxy-auth=none', '--log-level=debug', '--cluster-domain=corp.local']) assert.ok(args.includes(flag), flag);
});

test('a given affinity replaces the default spreading; nodeSelector and tolerations are passed on', { timeout: 30_000 }, async () => {
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'mesh', operator: 'Exists' }] }] } } };
  const tolerations = [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }];
  const objects = await renderChart({ values: { affinity, tolerations, nodeSelector: { 'kubernetes.io/os': 'linux' } } });
  for (const name of ['sidelane-controller', 'sidelane-injector', 'sidelane-gateway']) {
    const spec = (only(objects, 'Deployment', name) as ChartObject & { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
    assert.deepEqual(spec['affinity'], affinity);
    assert.deepEqual(spec['tolerations'], tolerations);
    assert.deepEqual(spec['nodeSelector'], { 'kubernetes.io/os': 'linux' });
  }
  const defaults = (only(await renderChart(), 'Deployment', 'sidelane-controller') as ChartObject & { spec: { template: { spec: { affinity: Record<string, unknown> } } } });
  assert.ok('podAntiAffinity' in defaults.spec.template.spec.affinity);
});

test('values the chart cannot honour are refused by its schema', { timeout: 30_000 }, async () => {
  const refused = async (values: Record<string, unknown>, message: RegExp): Promise<void> => {
    await assert.rejects(renderChart({ values }), message);
  };
  await refused({ injector: { failurePolicy: 'Sometimes' } }, /failurePolicy/);
  await refused({ injector: { webhookUrl: 'http://127.0.0.1:15017/inject' } }, /webhookUrl/);
  await refused({ controller: { proxyAuth: 'mtls' } }, /proxyAuth/);
  await refused({ proxy: { resources: { limits: { 'nvidia.com/gpu': 1 } } } }, /resources/);
  await refused({ controler: { replicas: 3 } }, /controler/);
  await refused({ gateway: { service: { type: 'Ingress' } } }, /type/);
  await refused({ gateway: { service: { ports: [{ name: 'http', port: 70000 }] } } }, /port/);
  await refused({ gateway: { className: 'Not_A_Name' } }, /className/);
});

test('gateway.enabled false leaves out the gateway, its class and the controller\'s gateway flags', { timeout: 30_000 }, async () => {
  const objects = await renderChart({ values: { gateway: { enabled: false } } });
  assert.deepEqual(objects.filter((o) => o.metadata.name === 'sidelane-gateway' || o.kind === 'GatewayClass').map((o) => o.kind), []);
  assert.equal(containerArgs(objects, 'sidelane-controller').some((a) => a.startsWith('--gateway-')), false);
});

test('the gateway\'s class, Service type and ports follow values; createClass false leaves the class out', { timeout: 30_000 }, async () => {
  const objects = await renderChart({
    namespace: 'edge-system',
    values: {
      gateway: {
        className: 'public',
        service: { type: 'NodePort', ports: [{ name: 'http', port: 8080 }, { name: 'dns', port: 53, protocol: 'UDP' }], annotations: { 'lb.example/internal': 'true' }, externalTrafficPolicy: 'Local' },
      },
    },
  });
  assert.ok(containerArgs(objects, 'sidelane-gateway').includes('--gateway-class=public'));
  assert.ok(containerArgs(objects, 'sidelane-controller').includes('--gateway-service=public=edge-system/sidelane-gateway'));
  assert.equal(only(objects, 'GatewayClass').metadata.name, 'public');
  const service = only(objects, 'Service', 'sidelane-gateway') as ChartObject & {
    metadata: { annotations?: Record<string, string> };
    spec: { type: string; externalTrafficPolicy?: string; ports: { name: string; port: number; targetPort: number; protocol: string }[] };
  };
  assert.equal(service.spec.type, 'NodePort');
  assert.equal(service.spec.externalTrafficPolicy, 'Local');
  assert.deepEqual(service.metadata.annotations, { 'lb.example/internal': 'true' });
  assert.deepEqual(service.spec.ports.map((p) => [p.name, p.port, p.targetPort, p.protocol]), [['http', 8080, 8080, 'TCP'], ['dns', 53, 53, 'UDP']]);
  assert.equal((await renderChart({ values: { gateway: { createClass: false } } })).some((o) => o.kind === 'GatewayClass'), false);
});

test('gateway.autoscaling renders an HPA and leaves replicas to it', { timeout: 30_000 }, async () => {
  const objects = await renderChart({ values: { gateway: { autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 12, targetCPUUtilizationPercentage: 60 } } } });
  const hpa = only(objects, 'HorizontalPodAutoscaler', 'sidelane-gateway') as ChartObject & {
    spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number; metrics: { resource: { name: string; target: { averageUtilization: number } } }[] };
  };
  assert.deepEqual([hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name], ['Deployment', 'sidelane-gateway']);
  assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [3, 12]);
  assert.deepEqual(hpa.spec.metrics.map((m) => [m.resource.name, m.resource.target.averageUtilization]), [['cpu', 60]]);
  const deployment = only(objects, 'Deployment', 'sidelane-gateway') as ChartObject & { spec: Record<string, unknown> };
  assert.equal('replicas' in deployment.spec, false);
});
