// A parentRef to a Gateway selects listeners by sectionName and port (both must agree), then each
// selected listener admits the route by kind, namespace and hostname; the reason for a refusal is
// the spec's: NoMatchingParent, NotAllowedByListeners or NoMatchingListenerHostname.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteKind } from '../../src/ir/index.js';
import { bindGatewayParent, type GatewayParentBinding } from '../../src/translate/gateway-parents.js';
import { routeView, type ParentRefInput } from '../../src/translate/routeview.js';
import { gateway, resolution } from './gateway-resolution-fixture.js';

const infra = gateway('infra', 'public', [
  { name: 'http', port: 80, protocol: 'HTTP' },
  { name: 'https', port: 443, protocol: 'HTTPS', hostname: '*.example.com', namespaces: ['infra'] },
  { name: 'shop', port: 80, protocol: 'HTTP', hostname: 'shop.example.com' },
  { name: 'postgres', port: 5432, protocol: 'TCP' },
]);
const world = resolution([infra]);

function bind(ref: ParentRefInput, opts: { kind?: RouteKind; namespace?: string; hostnames?: string[] } = {}): GatewayParentBinding {
  const view = routeView(opts.kind ?? 'HTTPRoute', {
    metadata: { name: 'r', namespace: opts.namespace ?? 'infra' },
    spec: { parentRefs: [ref], hostnames: opts.hostnames ?? [] },
  });
  return bindGatewayParent(view, ref, world);
}

function listenersOf(b: GatewayParentBinding): string[] {
  assert.ok(b.owned && b.ok, `expected attachment, got ${JSON.stringify(b)}`);
  return b.listeners.map((l) => `${l.listener.ref.name}:${l.hostnames.join('|')}`);
}

function refusal(b: GatewayParentBinding): { reason: string; message: string } {
  assert.ok(b.owned && !b.ok, `expected a refusal, got ${JSON.stringify(b)}`);
  return { reason: b.reason, message: b.message };
}

test('no sectionName or port: every listener that admits the route', () => {
  assert.deepEqual(listenersOf(bind({ name: 'public', namespace: 'infra' })), ['http:*', 'https:*.example.com', 'shop:shop.example.com']);
});

test('sectionName selects one listener; port selects by port; both must agree', () => {
  assert.deepEqual(listenersOf(bind({ name: 'public', namespace: 'infra', sectionName: 'https' })), ['https:*.example.com']);
  assert.deepEqual(listenersOf(bind({ name: 'public', namespace: 'infra', port: 80 })), ['http:*', 'shop:shop.example.com']);
  assert.deepEqual(listenersOf(bind({ name: 'public', namespace: 'infra', sectionName: 'http', port: 80 })), ['http:*']);
  const r = refusal(bind({ name: 'public', namespace: 'infra', sectionName: 'http', port: 443 }));
  assert.equal(r.reason, 'NoMatchingParent');
  assert.match(r.message, /no listener named "http" on port 443/);
  assert.equal(refusal(bind({ name: 'public', namespace: 'infra', sectionName: 'nope' })).reason, 'NoMatchingParent');
});

test('the route namespace is the default parentRef namespace', () => {
  assert.deepEqual(listenersOf(bind({ name: 'public' }, { namespace: 'infra' })).length, 3);
  // A Gateway that is not in the resolution (another class, or none) is not ours: no status.
  assert.deepEqual(bind({ name: 'public' }, { namespace: 'app' }), { owned: false });
  assert.deepEqual(bind({ name: 'other', namespace: 'infra' }), { owned: false });
  assert.deepEqual(bind({ group: '', kind: 'Service', name: 'public', namespace: 'infra' }), { owned: false });
});

test('allowedRoutes: kind and namespace refusals are NotAllowedByListeners', () => {
  const kind = refusal(bind({ name: 'public', namespace: 'infra', sectionName: 'postgres' }));
  assert.equal(kind.reason, 'NotAllowedByListeners');
  assert.match(kind.message, /does not allow HTTPRoute: it allows TCPRoute/);
  const ns = refusal(bind({ name: 'public', namespace: 'infra', sectionName: 'https' }, { namespace: 'app' }));
  assert.equal(ns.reason, 'NotAllowedByListeners');
  assert.match(ns.message, /namespace app/);
  // From another namespace, only the listeners that allow it take the route.
  assert.deepEqual(listenersOf(bind({ name: 'public', namespace: 'infra' }, { namespace: 'app' })), ['http:*', 'shop:shop.example.com']);
  assert.deepEqual(listenersOf(bind({ name: 'public', namespace: 'infra', port: 5432 }, { kind: 'TCPRoute' })), ['postgres:*']);
});

test('hostnames: effective hostnames per listener, NoMatchingListenerHostname when none meets', () => {
  assert.deepEqual(listenersOf(bind({ name: 'public', namespace: 'infra' }, { hostnames: ['a.example.com', 'shop.example.com'] })), [
    'http:shop.example.com|a.example.com',
    'https:shop.example.com|a.example.com',
    'shop:shop.example.com',
  ]);
  const r = refusal(bind({ name: 'public', namespace: 'infra', sectionName: 'shop' }, { hostnames: ['a.example.net'] }));
  assert.equal(r.reason, 'NoMatchingListenerHostname');
  // Kind refused on one listener, hostname on the other: the hostname is the furthest stage reached.
  const mixed = refusal(bind({ name: 'public', namespace: 'infra', port: 443 }, { hostnames: ['a.example.net'] }));
  assert.equal(mixed.reason, 'NoMatchingListenerHostname');
});

test('listeners that are not attachable still take the route (attachment is what the spec counts)', () => {
  const g = gateway('infra', 'dup', [{ name: 'http', port: 80, protocol: 'HTTP', attachable: false }]);
  const view = routeView('HTTPRoute', { metadata: { name: 'r', namespace: 'infra' }, spec: {} });
  const b = bindGatewayParent(view, { name: 'dup' }, resolution([g]));
  assert.deepEqual(listenersOf(b), ['http:*']);
});
