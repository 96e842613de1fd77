// The chart with its default values: `helm lint --strict` is clean, and `helm template` renders the
// controller, injector and gateway as the commands and the injection contract expect (ports, names,
// the webhook's selectors, the injector config, the gateway's token and unprivileged ports),
// agreeing with the constants in src/shared/pod-mesh.ts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { parseInjectorConfig } from '../../injector/config.js';
import { GATEWAY_CONTROLLER_NAME } from '../../src/ir/index.js';
import {
  ADMIN_PORT,
  CONFIG_PORT,
  INJECT_LABEL,
  NAMESPACE_INJECTION_LABEL,
  PROXY_UID,
  TOKEN_AUDIENCE,
  TOKEN_DIR,
  TOKEN_PATH,
  WEBHOOK_PORT,
} from '../../src/shared/pod-mesh.js';
import { CHART_DIR, helm, only, renderChart, type ChartObject } from '../support/chart.js';

const NS = 'sidelane-system';
let objects: ChartObject[];

interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string; scheme?: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

interface PodSpec {
  serviceAccountName: string;
  containers: Container[];
  automountServiceAccountToken?: boolean;
  securityContext?: { sysctls?: { name: string; value: string }[] };
  volumes?: { name: string; projected?: { sources: { serviceAccountToken?: { audience: string; path: string } }[] } }[];
}

function podSpec(name: string): PodSpec {
  const deployment = only(objects, 'Deployment', name) as ChartObject & { spec: { template: { spec: PodSpec } } };
  return deployment.spec.template.spec;
}

/** The one container of a Deployment's pods. */
function container(deployment: string): Container {
  const containers = podSpec(deployment).containers;
  assert.equal(containers.length, 1);
  return containers[0] as Container;
}

before(async () => {
  objects = await renderChart();
});

test('helm lint --strict finds nothing wrong', { timeout: 60_000 }, async () => {
  const out = await helm(['lint', '--strict', CHART_DIR]);
  assert.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

test('every object is in the release namespace or cluster-scoped with the release in its name', () => {
  const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
  assert.deepEqual(kinds, [
    'ClusterRole/sidelane-controller', 'ClusterRole/sidelane-injector',
    'ClusterRoleBinding/sidelane-controller', 'ClusterRoleBinding/sidelane-injector',
    'ConfigMap/sidelane-injector',
    'Deployment/sidelane-controller', 'Deployment/sidelane-gateway', 'Deployment/sidelane-injector',
    'GatewayClass/sidelane',
    'MutatingWebhookConfiguration/sidelane-injector',
    'PodDisruptionBudget/sidelane-controller', 'PodDisruptionBudget/sidelane-gateway', 'PodDisruptionBudget/sidelane-injector',
    'Role/sidelane-controller', 'Role/sidelane-injector',
    'RoleBinding/sidelane-controller', 'RoleBinding/sidelane-injector',
    'Service/sidelane-controller', 'Service/sidelane-gateway', 'Service/sidelane-injector',
    'ServiceAccount/sidelane-controller', 'ServiceAccount/sidelane-gateway', 'ServiceAccount/sidelane-injector',
  ]);
  const clusterScoped = new Set(['ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration', 'GatewayClass']);
  for (const o of objects) {
    assert.equal(o.metadata.namespace, clusterScoped.has(o.kind) ? undefined : NS, `${o.kind}/${o.metadata.name}`);
  }
});

test('the controller runs `sidelane controller` with token review, probes and a locked-down container', () => {
  assert.equal(podSpec('sidelane-controller').serviceAccountName, 'sidelane-controller');
  const controller = container('sidelane-controller');
  assert.deepEqual(controller.command, ['sidelane', 'controller']);
  assert.ok(controller.args?.includes('--proxy-auth=tokenreview'));
  assert.ok(controller.args?.includes(`--config-listen=:${String(CONFIG_PORT)}`));
  assert.deepEqual(
    controller.env?.map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath]),
    [['POD_NAME', 'metadata.name'], ['POD_NAMESPACE', 'metadata.namespace']],
  );
  assert.deepEqual(controller.ports?.map((p) => [p.name, p.containerPort]), [['grpc-config', CONFIG_PORT], ['http-monitoring', 15014]]);
  assert.deepEqual(controller.readinessProbe?.httpGet, { path: '/readyz', port: 'http-monitoring' });
  assert.deepEqual(controller.livenessProbe?.httpGet, { path: '/livez', port: 'http-monitoring' });
  assert.deepEqual(controller.securityContext, {
    runAsNonRoot: true, runAsUser: 1337, runAsGroup: 1337, allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
  });
  const service = only(objects, 'Service', 'sidelane-controller') as ChartObject & { spec: { ports: { port: number }[] } };
  assert.deepEqual(service.spec.ports.map((p) => p.port), [CONFIG_PORT]);
  // It tells the gateway's addresses by its Service and gives gateway config to its ServiceAccount only.
  assert.ok(controller.args?.includes(`--gateway-service=sidelane=${NS}/sidelane-gateway`));
  assert.ok(controller.args?.includes(`--gateway-service-account=${NS}/sidelane-gateway`));
});

test('the gateway runs `sidelane gateway` for its class, shows a sidelane token, binds low ports unprivileged', () => {
  const spec = podSpec('sidelane-gateway');
  assert.equal(spec.serviceAccountName, 'sidelane-gateway');
  assert.equal(spec.automountServiceAccountToken, false, 'no API server credentials');
  assert.deepEqual(spec.securityContext?.sysctls, [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
  const gateway = container('sidelane-gateway');
  assert.deepEqual(gateway.command, ['sidelane', 'gateway']);
  for (const arg of [`--controller=sidelane-controller.${NS}.svc:${String(CONFIG_PORT)}`, '--gateway-class=sidelane', `--admin=0.0.0.0:${String(ADMIN_PORT)}`]) {
    assert.ok(gateway.args?.includes(arg), arg);
  }
  assert.equal(gateway.env?.find((e) => e.name === 'SIDELANE_TOKEN_FILE')?.value, TOKEN_PATH);
  assert.deepEqual(gateway.volumeMounts, [{ name: 'sidelane-token', mountPath: TOKEN_DIR, readOnly: true }]);
  const token = spec.volumes?.find((v) => v.name === 'sidelane-token')?.projected?.sources[0]?.serviceAccountToken;
  assert.deepEqual([token?.audience, token?.path], [TOKEN_AUDIENCE, 'token']);
  assert.deepEqual(gateway.ports?.map((p) => [p.name, p.containerPort]), [['admin', ADMIN_PORT], ['http', 80], ['https', 443]]);
  assert.deepEqual(gateway.readinessProbe?.httpGet, { path: '/ready', port: 'admin' });
  assert.equal(gateway.securityContext?.['runAsUser'], PROXY_UID);
  assert.deepEqual(gateway.securityContext['capabilities'], { drop: ['ALL'] });

  const service = only(objects, 'Service', 'sidelane-gateway') as ChartObject & { spec: { type: string; ports: { name: string; port: number; targetPort: number }[] } };
  assert.equal(service.spec.type, 'LoadBalancer');
  assert.deepEqual(service.spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['http', 80, 80], ['https', 443, 443]]);
  const gatewayClass = only(objects, 'GatewayClass', 'sidelane') as ChartObject & { spec: { controllerName: string } };
  assert.equal(gatewayClass.spec.controllerName, GATEWAY_CONTROLLER_NAME);
  const deployment = only(objects, 'Deployment', 'sidelane-gateway') as ChartObject & { spec: { replicas?: number } };
  assert.equal(deployment.spec.replicas, 2);
  assert.equal(objects.some((o) => o.kind === 'HorizontalPodAutoscaler'), false);
});

test('the injector serves HTTPS on its port behind Service port 443 and reads the rendered config', () => {
  const injector = container('sidelane-injector');
  assert.deepEqual(injector.command, ['sidelane', 'injector']);
  assert.ok(injector.args?.includes('--config=/etc/sidelane/injector.yaml'));
  assert.ok(injector.args?.includes('--webhook-config=sidelane-injector'));
  assert.ok(injector.args?.includes('--tls-secret=sidelane-injector-tls'));
  assert.deepEqual(injector.ports?.map((p) => p.containerPort), [WEBHOOK_PORT]);
  assert.deepEqual(injector.readinessProbe?.httpGet, { path: '/ready', port: 'https-webhook', scheme: 'HTTPS' });
  const service = only(objects, 'Service', 'sidelane-injector') as ChartObject & { spec: { ports: { port: number; targetPort: string }[] } };
  assert.deepEqual(service.spec.ports.map((p) => [p.port, p.targetPort]), [[443, 'https-webhook']]);

  const configMap = only(objects, 'ConfigMap', 'sidelane-injector') as ChartObject & { data: Record<string, string> };
  const text = configMap.data['injector.yaml'] ?? '';
  assert.deepEqual(parseInjectorConfig(text, 'the chart'), parse(text), 'the injector takes the config as it is, no key unknown');
  assert.deepEqual(parse(text), {
    image: 'ghcr.io/sidelane/sidelane:0.1.0',
    imagePullPolicy: 'IfNotPresent',
    controlPlane: [`sidelane-controller.${NS}.svc:${String(CONFIG_PORT)}`],
    systemNamespace: NS,
    proxyUid: PROXY_UID,
    logLevel: 'info',
    otlpEndpoint: '',
    resources: { requests: { cpu: '50m', memory: '160Mi' }, limits: { memory: '512Mi' } },
    excludeInboundPorts: [],
    excludeOutboundPorts: [],
    excludeOutboundIpRanges: [],
  });
});

test('the webhook configuration is the contract: two webhooks, never kube-system nor the release namespace', () => {
  const config = only(objects, 'MutatingWebhookConfiguration') as ChartObject & { webhooks: Record<string, unknown>[] };
  const never = { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', NS] };
  const common = {
    clientConfig: { service: { name: 'sidelane-injector', namespace: NS, path: '/inject', port: 443 } },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    failurePolicy: 'Ignore',
    timeoutSeconds: 10,
    reinvocationPolicy: 'Never',
  };
  assert.deepEqual(config.webhooks, [
    {
      name: 'namespace.inject.sidelane.io',
      ...common,
      namespaceSelector: { matchExpressions: [{ key: NAMESPACE_INJECTION_LABEL, operator: 'In', values: ['enabled'] }, never] },
      objectSelector: { matchExpressions: [{ key: INJECT_LABEL, operator: 'NotIn', values: ['false'] }] },
    },
    {
      name: 'object.inject.sidelane.io',
      ...common,
      namespaceSelector: { matchExpressions: [{ key: NAMESPACE_INJECTION_LABEL, operator: 'DoesNotExist' }, never] },
      objectSelector: { matchExpressions: [{ key: INJECT_LABEL, operator: 'In', values: ['true'] }] },
    },
  ]);
});
