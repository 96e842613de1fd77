// allowedRoutes decides which routes may attach to a listener: namespaces Same (the default), All,
// or a label selector on Namespaces (a namespace the snapshot lacks has only its name label); kinds
// default to what the protocol carries, and a kind it cannot carry is InvalidRouteKinds, left out
// of supportedKinds. Hostnames are lowercased; on TCP and UDP they are ignored, and the status says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AllowedRoutes, Listener } from '../../src/api/gateway/index.js';
import { gatewayStatuses, resolveGateways } from '../../src/translate/gateways.js';
import { OPTIONS, gateway, gatewayClass, http, namespace, snapshotOf } from './gateway-objects-fixture.js';

const namespaces = [
  namespace('web'),
  namespace('shop', { team: 'shop', env: 'prod' }),
  namespace('blog', { team: 'blog', env: 'dev' }),
  namespace('tools', { env: 'prod', shared: 'yes' }),
];

function resolve(listeners: Listener[]) {
  const snapshot = snapshotOf({ gatewayClasses: [gatewayClass()], gateways: [gateway('web', 'edge', listeners)], namespaces });
  const resolution = resolveGateways(snapshot, OPTIONS);
  const status = gatewayStatuses(resolution, snapshot, OPTIONS, new Map()).gatewayStatuses[0];
  return { listeners: resolution.gateways.get('web/edge')?.listeners ?? [], status };
}

function allowed(allowedRoutes: AllowedRoutes): string[] {
  const [l] = resolve([http('http', 80, undefined, { allowedRoutes })]).listeners;
  return ['web', 'shop', 'blog', 'tools', 'unlisted'].filter((ns) => l?.allowsNamespace(ns));
}

test('namespaces: Same by default, All, and a selector on Namespace labels', () => {
  assert.deepEqual(resolve([http('http')]).listeners[0]?.allowsNamespace('web'), true);
  assert.deepEqual(resolve([http('http')]).listeners[0]?.allowsNamespace('shop'), false);
  assert.deepEqual(allowed({ namespaces: { from: 'Same' } }), ['web']);
  assert.deepEqual(allowed({ namespaces: { from: 'All' } }), ['web', 'shop', 'blog', 'tools', 'unlisted']);
  assert.deepEqual(allowed({ namespaces: { from: 'Selector', selector: { matchLabels: { env: 'prod' } } } }), ['shop', 'tools']);
  assert.deepEqual(
    allowed({
      namespaces: {
        from: 'Selector',
        selector: {
          matchExpressions: [
            { key: 'team', operator: 'In', values: ['shop', 'blog'] },
            { key: 'env', operator: 'NotIn', values: ['dev'] },
          ],
        },
      },
    }),
    ['shop'],
  );
  assert.deepEqual(allowed({ namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'shared', operator: 'Exists' }] } } }), ['tools']);
  assert.deepEqual(
    allowed({ namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } } }),
    ['web', 'tools', 'unlisted'],
  );
  // A namespace the snapshot does not hold still has the name label the API server sets.
  assert.deepEqual(
    allowed({ namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'unlisted' } } } }),
    ['unlisted'],
  );
  assert.deepEqual(allowed({ namespaces: { from: 'Selector', selector: {} } }), ['web', 'shop', 'blog', 'tools', 'unlisted']);
});

test('an invalid selector makes the listener not accepted, and it allows nothing', () => {
  const cases: [AllowedRoutes, RegExp][] = [
    [{ namespaces: { from: 'Selector' } }, /from is Selector but no selector is given/],
    [{ namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'team', operator: 'In' }] } } }, /matchExpressions\[0\] \(team In\) needs at least one value/],
    [{ namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'team', operator: 'Exists', values: ['x'] }] } } }, /must not have values/],
    [{ namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'team', operator: 'Gt', values: ['1'] }] } } }, /operator Gt is not one of/],
  ];
  for (const [allowedRoutes, message] of cases) {
    const { listeners, status } = resolve([http('http', 80, undefined, { allowedRoutes })]);
    assert.equal(listeners[0]?.attachable, false);
    assert.equal(listeners[0].allowsNamespace('web'), false);
    const accepted = status?.listeners[0]?.conditions.find((c) => c.type === 'Accepted');
    assert.equal(`${accepted?.status}/${accepted?.reason}`, 'False/UnsupportedValue');
    assert.match(accepted?.message ?? '', message);
  }
});

test('kinds default to what the protocol carries', () => {
  const { listeners } = resolve([
    http('http'),
    { name: 'tcp', port: 5432, protocol: 'TCP' },
    { name: 'udp', port: 53, protocol: 'UDP' },
    { name: 'tls', port: 443, protocol: 'TLS', hostname: 'db.example.com', tls: { mode: 'Passthrough' } },
  ]);
  assert.deepEqual(
    listeners.map((l) => [l.ref.name, l.kinds]),
    [
      ['http', ['HTTPRoute', 'GRPCRoute']],
      ['tcp', ['TCPRoute']],
      ['udp', ['UDPRoute']],
      ['tls', ['TLSRoute']],
    ],
  );
});

test('a kind the protocol cannot carry is InvalidRouteKinds; supportedKinds keeps only the valid ones', () => {
  const { listeners, status } = resolve([
    http('mixed', 80, undefined, { allowedRoutes: { kinds: [{ kind: 'HTTPRoute' }, { kind: 'TCPRoute' }, { group: 'example.io', kind: 'HTTPRoute' }] } }),
    http('none', 8080, undefined, { allowedRoutes: { kinds: [{ kind: 'TLSRoute' }] } }),
  ]);
  assert.deepEqual(listeners.map((l) => l.kinds), [['HTTPRoute'], []]);
  const [mixed, none] = status?.listeners ?? [];
  assert.ok(mixed && none);
  assert.deepEqual(mixed.supportedKinds, [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }]);
  assert.deepEqual(none.supportedKinds, []);
  const refs = mixed.conditions.find((c) => c.type === 'ResolvedRefs');
  assert.equal(`${refs?.status}/${refs?.reason}`, 'False/InvalidRouteKinds');
  assert.match(refs?.message ?? '', /gateway\.networking\.k8s\.io\/TCPRoute, example\.io\/HTTPRoute cannot attach to a HTTP listener/);
  // The listener stays accepted (routes of the valid kinds may attach), but is not programmed.
  assert.equal(listeners[0]?.attachable, true);
  assert.equal(listeners[0].programmed, false);
});

test('hostnames are lowercased; on TCP they are ignored and the Accepted message says so', () => {
  const { listeners, status } = resolve([
    http('http', 80, 'Shop.Example.COM'),
    { name: 'db', port: 5432, protocol: 'TCP', hostname: 'db.example.com' },
    http('bad', 8080, '10.0.0.1'),
  ]);
  assert.equal(listeners[0]?.hostname, 'shop.example.com');
  assert.equal(listeners[1]?.hostname, undefined);
  assert.match(status?.listeners[1]?.conditions.find((c) => c.type === 'Accepted')?.message ?? '', /hostname is ignored for protocol TCP/);
  assert.equal(listeners[2]?.attachable, false);
  assert.match(status?.listeners[2]?.conditions.find((c) => c.type === 'Accepted')?.message ?? '', /hostname 10\.0\.0\.1 is not a DNS name/);
});
