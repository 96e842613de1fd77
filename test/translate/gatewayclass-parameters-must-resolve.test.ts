// A GatewayClass is ours when its controllerName is; it is Accepted unless its parametersRef does
// not resolve to a ConfigMap whose keys Sidelane knows (InvalidParameters, naming what is wrong),
// and its Gateways are then not accepted either. Status lists the supported features, sorted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayStatuses, resolveGateways } from '../../src/translate/gateways.js';
import { OPTIONS, configMap, gateway, gatewayClass, http, snapshotOf, summary } from './gateway-objects-fixture.js';

const ref = { group: '', kind: 'ConfigMap', namespace: 'sidelane-system', name: 'public-params' };

function classStatus(snapshot: Parameters<typeof resolveGateways>[0]) {
  const resolution = resolveGateways(snapshot, OPTIONS);
  return { resolution, status: gatewayStatuses(resolution, snapshot, OPTIONS, new Map()) };
}

test('only classes with our controllerName are resolved, and one without parameters is accepted', () => {
  const other = gatewayClass('istio', { controllerName: 'istio.io/gateway-controller' });
  const { resolution, status } = classStatus(snapshotOf({ gatewayClasses: [gatewayClass('public'), other] }));
  assert.deepEqual(resolution.classes, [{ name: 'public', generation: 2, accepted: true }]);
  const [cls] = status.gatewayClassStatuses;
  assert.equal(status.gatewayClassStatuses.length, 1);
  assert.ok(cls);
  assert.deepEqual(summary(cls.conditions), ['Accepted=True/Accepted']);
  assert.equal(cls.conditions[0]?.observedGeneration, 2);
  const features = cls.supportedFeatures;
  assert.deepEqual(features, [...features].sort());
  for (const f of ['Gateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute', 'ReferenceGrant', 'HTTPRouteCORS']) {
    assert.ok(features.includes(f), f);
  }
  assert.ok(!features.includes('GatewayStaticAddresses'), 'a shared deployment has no per-Gateway addresses');
});

test('a ConfigMap with udpIdleTimeout sets the class idle timeout', () => {
  const { resolution, status } = classStatus(
    snapshotOf({
      gatewayClasses: [gatewayClass('public', { parametersRef: ref })],
      configMaps: [configMap('sidelane-system', 'public-params', { udpIdleTimeout: '1m30s' })],
    }),
  );
  assert.deepEqual(resolution.classes, [{ name: 'public', generation: 2, accepted: true, udpIdleTimeoutMs: 90_000 }]);
  assert.match(status.gatewayClassStatuses[0]?.conditions[0]?.message ?? '', /sidelane-system\/public-params/);
});

const broken: [string, Parameters<typeof gatewayClass>[1], ReturnType<typeof configMap>[], RegExp][] = [
  ['a missing ConfigMap', { parametersRef: ref }, [], /ConfigMap sidelane-system\/public-params does not exist/],
  [
    'an unknown key',
    { parametersRef: ref },
    [configMap('sidelane-system', 'public-params', { udpIdleTimeout: '30s', replicas: '3' })],
    /unknown key replicas/,
  ],
  [
    'a duration that is not one',
    { parametersRef: ref },
    [configMap('sidelane-system', 'public-params', { udpIdleTimeout: '30 seconds' })],
    /udpIdleTimeout "30 seconds" is not a positive Gateway API duration/,
  ],
  ['a kind other than ConfigMap', { parametersRef: { ...ref, group: 'example.io', kind: 'GatewayConfig' } }, [], /core ConfigMap/],
  [
    'a ConfigMap without namespace',
    { parametersRef: { group: '', kind: 'ConfigMap', name: 'public-params' } },
    [configMap('sidelane-system', 'public-params', {})],
    /needs a namespace/,
  ],
];

for (const [what, spec, configMaps, message] of broken) {
  test(`${what} makes the class InvalidParameters and its Gateways not accepted`, () => {
    const snapshot = snapshotOf({
      gatewayClasses: [gatewayClass('public', spec)],
      configMaps,
      gateways: [gateway('web', 'edge', [http('http')])],
    });
    const { resolution, status } = classStatus(snapshot);
    assert.equal(resolution.classes[0]?.accepted, false);
    const cls = status.gatewayClassStatuses[0];
    assert.deepEqual(summary(cls?.conditions ?? []), ['Accepted=False/InvalidParameters']);
    assert.match(cls?.conditions[0]?.message ?? '', message);

    const gw = resolution.gateways.get('web/edge');
    assert.equal(gw?.accepted, false);
    assert.equal(gw.listeners[0]?.programmed, false, 'nothing of an unaccepted class is served');
    const gwStatus = status.gatewayStatuses[0];
    assert.deepEqual(summary(gwStatus?.conditions ?? []), ['Accepted=False/Invalid', 'Programmed=False/Invalid']);
    assert.match(gwStatus?.conditions[0]?.message ?? '', /GatewayClass public is not accepted/);
  });
}

test('Gateways of classes that are not ours get no status', () => {
  const snapshot = snapshotOf({
    gatewayClasses: [gatewayClass('istio', { controllerName: 'istio.io/gateway-controller' })],
    gateways: [gateway('web', 'edge', [http('http')], { className: 'istio' }), gateway('web', 'lost', [http('http')], { className: 'nope' })],
  });
  const { resolution, status } = classStatus(snapshot);
  assert.equal(resolution.gateways.size, 0);
  assert.deepEqual(status, { gatewayClassStatuses: [], gatewayStatuses: [] });
});
