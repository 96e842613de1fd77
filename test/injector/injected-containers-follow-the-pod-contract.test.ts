// The containers and volume the injector adds, field by field, as the issue-5 contract states them:
// the lead's e2e, the iptables command and the chart all rely on this exact shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { DEFAULT_INJECTOR_CONFIG, type InjectorConfig } from '../../injector/config.js';
import { injectPod } from '../../injector/mutate.js';
import { sidecarParts } from '../../injector/pod-spec.js';
import { readProxySettings } from '../../injector/annotations.js';

function parts(config: InjectorConfig, annotations?: Record<string, string>): ReturnType<typeof sidecarParts> {
  const settings = readProxySettings(annotations, config).settings;
  assert.ok(settings);
  return sidecarParts(settings, config);
}

test('sidelane-init runs `sidelane iptables apply` as root with only NET_ADMIN and NET_RAW', () => {
  const { initContainer } = parts(DEFAULT_INJECTOR_CONFIG);
  assert.equal(initContainer.name, 'sidelane-init');
  assert.equal(initContainer.image, 'ghcr.io/sidelane/sidelane:0.1.0');
  assert.deepEqual(initContainer.command, ['sidelane', 'iptables', 'apply']);
  assert.deepEqual(initContainer.args, ['--proxy-uid', '1337', '--include-inbound-ports', '*'], 'empty lists are left out');
  assert.equal(initContainer.restartPolicy, undefined, 'a plain init container: it runs once');
  assert.deepEqual(initContainer.securityContext, {
    runAsUser: 0,
    runAsNonRoot: false,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] },
  });
});

test('the init args carry every exclusion, comma-joined, and a GID only when the UID is not the default', () => {
  const config = { ...DEFAULT_INJECTOR_CONFIG, proxyUid: 2000, excludeOutboundPorts: [443] };
  const { initContainer, proxyContainer } = parts(config, {
    'sidelane.io/include-inbound-ports': '8080,9090',
    'sidelane.io/exclude-inbound-ports': '9090',
    'sidelane.io/exclude-outbound-ports': '5432',
    'sidelane.io/exclude-outbound-ip-ranges': '10.0.0.0/8,fd00::/8',
  });
  assert.deepEqual(initContainer.args, [
    '--proxy-uid', '2000', '--proxy-gid', '2000',
    '--include-inbound-ports', '8080,9090',
    '--exclude-inbound-ports', '9090',
    '--exclude-outbound-ports', '443,5432',
    '--exclude-outbound-ip-ranges', '10.0.0.0/8,fd00::/8',
  ]);
  assert.equal(proxyContainer.securityContext?.runAsUser, 2000);
  assert.equal(proxyContainer.securityContext.runAsGroup, 2000);
  const noInbound = parts(DEFAULT_INJECTOR_CONFIG, { 'sidelane.io/include-inbound-ports': '' }).initContainer;
  assert.deepEqual(noInbound.args, ['--proxy-uid', '1337', '--include-inbound-ports', '']);
});

test('sidelane-proxy is a native sidecar with the contract args, env, probes and a locked-down context', () => {
  const { proxyContainer } = parts(DEFAULT_INJECTOR_CONFIG);
  assert.equal(proxyContainer.name, 'sidelane-proxy');
  assert.equal(proxyContainer.restartPolicy, 'Always');
  assert.deepEqual(proxyContainer.command, ['sidelane', 'proxy']);
  assert.deepEqual(proxyContainer.args, ['--interception', 'iptables', '--outbound', '127.0.0.1:15001', '--inbound', '0.0.0.0:15006', '--admin', '0.0.0.0:15000']);
  const fieldRefs = Object.fromEntries((proxyContainer.env ?? []).map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath ?? e.value]));
  assert.deepEqual(fieldRefs, {
    POD_NAME: 'metadata.name',
    POD_NAMESPACE: 'metadata.namespace',
    SERVICE_ACCOUNT: 'spec.serviceAccountName',
    NODE_NAME: 'spec.nodeName',
    POD_IP: 'status.podIP',
    POD_IPS: 'status.podIPs',
    SIDELANE_CONTROL_PLANE: 'sidelane-controller.sidelane-system.svc:15010',
    SIDELANE_LOG_LEVEL: 'info',
    SIDELANE_TOKEN_FILE: '/var/run/secrets/sidelane/token',
  });
  assert.deepEqual(proxyContainer.ports, [{ name: 'sidelane-admin', containerPort: 15000 }]);
  assert.deepEqual(proxyContainer.startupProbe, { httpGet: { path: '/ready', port: 15000 }, periodSeconds: 1, failureThreshold: 300 });
  assert.deepEqual(proxyContainer.readinessProbe, { httpGet: { path: '/ready', port: 15000 } });
  assert.deepEqual(proxyContainer.livenessProbe, { httpGet: { path: '/live', port: 15000 } });
  assert.notEqual(proxyContainer.startupProbe.httpGet, proxyContainer.readinessProbe.httpGet, 'no shared objects (YAML would alias them)');
  assert.deepEqual(proxyContainer.securityContext, {
    runAsUser: 1337,
    runAsGroup: 1337,
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  });
  assert.deepEqual(proxyContainer.volumeMounts, [{ name: 'sidelane-token', mountPath: '/var/run/secrets/sidelane', readOnly: true }]);
  assert.deepEqual(proxyContainer.resources, { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
});

test('several controllers are comma-joined; the OTLP endpoint is set only when configured', () => {
  const config = { ...DEFAULT_INJECTOR_CONFIG, controlPlane: ['a:15010', 'b:15010'], otlpEndpoint: 'http://collector:4318' };
  const env = parts(config).proxyContainer.env ?? [];
  assert.equal(env.find((e) => e.name === 'SIDELANE_CONTROL_PLANE')?.value, 'a:15010,b:15010');
  assert.equal(env.at(-1)?.name, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  assert.equal(env.at(-1)?.value, 'http://collector:4318');
  assert.equal(parts(DEFAULT_INJECTOR_CONFIG).proxyContainer.env?.some((e) => e.name.startsWith('OTEL_')), false);
});

test('no resources configured means no resources field, not an empty one', () => {
  const { initContainer, proxyContainer } = parts({ ...DEFAULT_INJECTOR_CONFIG, resources: { requests: {} } });
  assert.equal('resources' in initContainer, false);
  assert.equal('resources' in proxyContainer, false);
});

test('the token volume is a projected service-account token for audience sidelane, 12 hours', () => {
  assert.deepEqual(parts(DEFAULT_INJECTOR_CONFIG).tokenVolume, {
    name: 'sidelane-token',
    projected: { sources: [{ serviceAccountToken: { audience: 'sidelane', expirationSeconds: 43200, path: 'token' } }] },
  });
});

test("the app's containers, probes included, come out exactly as they went in", () => {
  const app = {
    name: 'web',
    image: 'web:1',
    livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    startupProbe: { tcpSocket: { port: 8080 } },
  };
  const pod: V1Pod = { metadata: { name: 'web' }, spec: { containers: [app] } };
  const injected = injectPod(pod, DEFAULT_INJECTOR_CONFIG, 'shop').pod;
  assert.deepEqual(injected?.spec?.containers, [app]);
  assert.deepEqual(injected.metadata?.annotations, { 'sidelane.io/status': 'injected' });
  assert.deepEqual(injected.spec.initContainers?.map((c) => c.name), ['sidelane-init', 'sidelane-proxy']);
});
