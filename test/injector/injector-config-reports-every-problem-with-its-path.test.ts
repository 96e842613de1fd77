// The injector config file: defaults for what is left out, and a bad file refused with every
// problem listed by path, so an operator fixes the ConfigMap in one round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_INJECTOR_CONFIG,
  InjectorConfigError,
  loadInjectorConfig,
  parseInjectorConfig,
} from '../../injector/config.js';
import { CONFIG_PORT, PROXY_UID } from '../../src/shared/pod-mesh.js';

test('the defaults are the contract: image, controller address, proxy UID and resources', () => {
  assert.deepEqual(DEFAULT_INJECTOR_CONFIG, {
    image: 'ghcr.io/sidelane/sidelane:0.1.0',
    imagePullPolicy: 'IfNotPresent',
    controlPlane: [`sidelane-controller.sidelane-system.svc:${CONFIG_PORT}`],
    systemNamespace: 'sidelane-system',
    proxyUid: PROXY_UID,
    logLevel: 'info',
    otlpEndpoint: '',
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    excludeOutboundIpRanges: [],
    excludeOutboundPorts: [],
    excludeInboundPorts: [],
  });
  assert.ok(Object.isFrozen(DEFAULT_INJECTOR_CONFIG.resources), 'the defaults cannot be changed by accident');
});

test('an empty file and a file with some keys give the defaults for the rest', () => {
  assert.deepEqual(parseInjectorConfig(''), DEFAULT_INJECTOR_CONFIG);
  const config = parseInjectorConfig(`
image: registry.local/sidelane:dev
controlPlane: [c-0.ctl:15010, "[fd00::1]:15010"]
otlpEndpoint: http://otel-collector.observability:4318
resources: {requests: {cpu: 0.1, memory: 32Mi}}
excludeOutboundIpRanges: [169.254.169.254, 10.0.0.0/8]
excludeOutboundPorts: [5432, "6379"]
`);
  assert.equal(config.image, 'registry.local/sidelane:dev');
  assert.deepEqual(config.controlPlane, ['c-0.ctl:15010', '[fd00::1]:15010']);
  assert.equal(config.otlpEndpoint, 'http://otel-collector.observability:4318');
  assert.deepEqual(config.resources, { requests: { cpu: '0.1', memory: '32Mi' } }, 'resources replaces the default whole');
  assert.deepEqual(config.excludeOutboundIpRanges, ['169.254.169.254/32', '10.0.0.0/8']);
  assert.deepEqual(config.excludeOutboundPorts, [5432, 6379]);
  assert.equal(config.proxyUid, PROXY_UID);
  assert.equal(config.systemNamespace, 'sidelane-system');
});

test('every problem is reported at once, each with its path', () => {
  const text = `
image: ""
imagePullPolicy: Sometimes
controlPlane: [ctl, "ctl:99999"]
systemNamespace: Sidelane_System
proxyUid: 0
logLevel: loud
otlpEndpoint: grpc://collector:4317
resources: {requests: {cpu: many, gpu: 1}, limits: {memory: 1Gi}, extra: {}}
excludeOutboundIpRanges: [10.0.0.0/33]
excludeOutboundPorts: 443
excludeInboundPorts: [0, 8080]
proxyGid: 1337
`;
  assert.throws(
    () => parseInjectorConfig(text, 'injector.yaml'),
    (error: unknown) => {
      assert.ok(error instanceof InjectorConfigError);
      assert.equal(error.code, 'SIDELANE_ERR_INJECTOR_CONFIG');
      const paths = error.problems.map((p) => p.slice(0, p.indexOf(':')));
      assert.deepEqual(paths.sort(), [
        'controlPlane[0]',
        'controlPlane[1]',
        'excludeInboundPorts[0]',
        'excludeOutboundIpRanges[0]',
        'excludeOutboundPorts',
        'image',
        'imagePullPolicy',
        'logLevel',
        'otlpEndpoint',
        'proxyGid',
        'proxyUid',
        'resources.extra',
        'resources.requests.cpu',
        'resources.requests.gpu',
        'systemNamespace',
      ]);
      assert.match(error.message, /^invalid injector config injector\.yaml:\n {2}/);
      assert.match(error.message, /proxyGid: unknown key/);
      assert.match(error.message, /logLevel: must be one of trace, debug, info, warn, error, silent, got "loud"/);
      return true;
    },
  );
});

test('a request above its limit, a list that is not a list, and non-mapping documents are refused', () => {
  assert.throws(() => parseInjectorConfig('resources: {requests: {memory: 1Gi}, limits: {memory: 512Mi}}'), /resources\.requests\.memory: 1Gi is more than the limit 512Mi/);
  assert.throws(() => parseInjectorConfig('controlPlane: []'), /controlPlane: must list at least one controller address/);
  assert.throws(() => parseInjectorConfig('- image'), /must be a mapping/);
  assert.throws(() => parseInjectorConfig('image: [unclosed'), /not YAML/);
  assert.throws(() => parseInjectorConfig('constructor: 1\n__proto__: 2'), /constructor: unknown key[\s\S]*__proto__: unknown key/);
});

test('loadInjectorConfig: the defaults without a path, the file with one', async () => {
  assert.deepEqual(await loadInjectorConfig(), DEFAULT_INJECTOR_CONFIG);
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-injector-config-'));
  try {
    const path = join(dir, 'injector.yaml');
    await writeFile(path, 'logLevel: debug\n');
    assert.equal((await loadInjectorConfig(path)).logLevel, 'debug');
    await writeFile(path, 'logLevel: chatty\n');
    await assert.rejects(loadInjectorConfig(path), new RegExp(`invalid injector config ${path.replaceAll('/', '\\/')}`));
    await assert.rejects(loadInjectorConfig(join(dir, 'missing.yaml')), { code: 'ENOENT' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
