// Listener conflicts as the Gateway API defines distinct listeners: inside one Gateway every
// indistinct listener is Conflicted (no winner); across the Gateways of a class, which one
// deployment serves on shared ports, the older Gateway keeps its listener. HTTPS listeners with
// overlapping hostnames on one port get OverlappingTLSConfig.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Listener } from '../../src/api/gateway/index.js';
import type { GatewayStatusIR } from '../../src/ir/index.js';
import { gatewayStatuses, resolveGateways } from '../../src/translate/gateways.js';
import { OPTIONS, gateway, gatewayClass, http, https, snapshotOf, summary } from './gateway-objects-fixture.js';

const tcp = (name: string, port: number, protocol = 'TCP'): Listener => ({ name, port, protocol });
const passthrough = (name: string, port: number, hostname: string): Listener => ({
  name,
  port,
  protocol: 'TLS',
  hostname,
  tls: { mode: 'Passthrough' },
});

function resolve(...gateways: ReturnType<typeof gateway>[]) {
  const snapshot = snapshotOf({ gatewayClasses: [gatewayClass()], gateways });
  const resolution = resolveGateways(snapshot, OPTIONS);
  const { gatewayStatuses: statuses } = gatewayStatuses(resolution, snapshot, OPTIONS, new Map());
  return { resolution, statuses };
}

function listenerConditions(status: GatewayStatusIR | undefined, name: string): string[] {
  return summary(status?.listeners.find((l) => l.name === name)?.conditions ?? []);
}

function attachable(resolution: ReturnType<typeof resolveGateways>, key: string): Record<string, boolean> {
  return Object.fromEntries((resolution.gateways.get(key)?.listeners ?? []).map((l) => [l.ref.name, l.attachable]));
}

test('two HTTP listeners on one port with no hostname are both Conflicted, and the Gateway lists them', () => {
  const { resolution, statuses } = resolve(gateway('web', 'edge', [http('a'), http('b'), http('c', 8080)]));
  assert.deepEqual(attachable(resolution, 'web/edge'), { a: false, b: false, c: true });
  const status = statuses[0];
  assert.deepEqual(listenerConditions(status, 'a'), [
    'Accepted=False/HostnameConflict',
    'Conflicted=True/HostnameConflict',
    'Programmed=False/Invalid',
    'ResolvedRefs=True/ResolvedRefs',
  ]);
  assert.match(status?.listeners[0]?.conditions.find((c) => c.type === 'Conflicted')?.message ?? '', /listener b .*any hostname/);
  assert.deepEqual(listenerConditions(status, 'c'), [
    'Accepted=True/Accepted',
    'Conflicted=False/NoConflicts',
    'Programmed=True/Programmed',
    'ResolvedRefs=True/ResolvedRefs',
  ]);
  const accepted = status?.conditions.find((c) => c.type === 'Accepted');
  assert.equal(`${accepted?.status}/${accepted?.reason}`, 'True/ListenersNotValid');
  assert.match(accepted?.message ?? '', /a \(HostnameConflict\).*b \(HostnameConflict\).*accepted c/);
});

test('a Gateway whose every listener conflicts is not accepted', () => {
  const { statuses } = resolve(gateway('web', 'edge', [http('a', 80, 'a.example.com'), http('b', 80, 'A.example.com')]));
  assert.deepEqual(summary(statuses[0]?.conditions ?? []), ['Accepted=False/ListenersNotValid', 'Programmed=False/Invalid']);
});

test('one port cannot mix HTTP, TLS-borne and TCP listeners (ProtocolConflict)', () => {
  const { resolution, statuses } = resolve(
    gateway('web', 'edge', [http('plain', 443), https('secure', 'cert', 443, 'a.example.com'), tcp('db', 5432), http('web', 5432)]),
  );
  assert.deepEqual(attachable(resolution, 'web/edge'), { plain: false, secure: false, db: false, web: false });
  assert.deepEqual(listenerConditions(statuses[0], 'plain').slice(0, 2), ['Accepted=False/ProtocolConflict', 'Conflicted=True/ProtocolConflict']);
  assert.deepEqual(listenerConditions(statuses[0], 'db').slice(0, 2), ['Accepted=False/ProtocolConflict', 'Conflicted=True/ProtocolConflict']);
});

test('HTTPS and TLS share a port by SNI, but not a hostname', () => {
  const apart = resolve(gateway('web', 'edge', [https('site', 'cert', 443, 'www.example.com'), passthrough('db', 443, 'db.example.com')]));
  assert.deepEqual(attachable(apart.resolution, 'web/edge'), { site: true, db: true });
  const same = resolve(gateway('web', 'edge', [https('site', 'cert', 443, 'db.example.com'), passthrough('db', 443, 'DB.example.com')]));
  assert.deepEqual(attachable(same.resolution, 'web/edge'), { site: false, db: false });
  assert.deepEqual(listenerConditions(same.statuses[0], 'db').slice(0, 2), ['Accepted=False/HostnameConflict', 'Conflicted=True/HostnameConflict']);
});

test('TCP and UDP may share a number; two TCP listeners on one port may not', () => {
  const { resolution } = resolve(gateway('web', 'edge', [tcp('dns-tcp', 53), tcp('dns-udp', 53, 'UDP'), tcp('a', 9000), tcp('b', 9000)]));
  assert.deepEqual(attachable(resolution, 'web/edge'), { 'dns-tcp': true, 'dns-udp': true, a: false, b: false });
});

test('core protocol names are case-insensitive; an unsupported protocol is not accepted and takes no port', () => {
  const { resolution, statuses } = resolve(gateway('web', 'edge', [http('a', 80, undefined, { protocol: 'http' }), { name: 'b', port: 80, protocol: 'example.com/quic' }]));
  const [a, b] = resolution.gateways.get('web/edge')?.listeners ?? [];
  assert.equal(a?.protocol, 'HTTP');
  assert.equal(a.attachable, true);
  assert.equal(b?.attachable, false);
  assert.deepEqual(listenerConditions(statuses[0], 'b'), [
    'Accepted=False/UnsupportedProtocol',
    'Conflicted=False/NoConflicts',
    'Programmed=False/Invalid',
    'ResolvedRefs=True/ResolvedRefs',
  ]);
  assert.deepEqual(statuses[0]?.listeners[1]?.supportedKinds, []);
});

test('across Gateways of a class the older one keeps the port; the newer listener is Conflicted', () => {
  const older = gateway('web', 'old', [http('http', 80, 'shop.example.com'), tcp('db', 5432)], { createdAt: '2024-01-01T00:00:00Z' });
  const newer = gateway('web', 'new', [http('http', 80, 'shop.example.com'), http('other', 80, 'blog.example.com'), https('tls', 'c', 5432, 'x.example.com')], {
    createdAt: '2024-06-01T00:00:00Z',
  });
  // Input order does not matter: age does.
  const { resolution, statuses } = resolve(newer, older);
  assert.deepEqual(attachable(resolution, 'web/old'), { http: true, db: true });
  assert.deepEqual(attachable(resolution, 'web/new'), { http: false, other: true, tls: false });

  const status = statuses.find((s) => s.name === 'new');
  assert.deepEqual(listenerConditions(status, 'http').slice(0, 2), ['Accepted=False/HostnameConflict', 'Conflicted=True/HostnameConflict']);
  const message = status?.listeners[0]?.conditions.find((c) => c.type === 'Conflicted')?.message ?? '';
  assert.match(message, /listener http of Gateway web\/old/);
  assert.match(message, /hostname shop\.example\.com/);
  assert.deepEqual(listenerConditions(status, 'tls').slice(0, 2), ['Accepted=False/ProtocolConflict', 'Conflicted=True/ProtocolConflict']);
  assert.equal(status?.conditions.find((c) => c.type === 'Accepted')?.reason, 'ListenersNotValid');
  assert.deepEqual(summary(statuses.find((s) => s.name === 'old')?.conditions ?? []), ['Accepted=True/Accepted', 'Programmed=False/AddressNotAssigned']);
});

test('a Gateway in another namespace is described, not named; with no creation time a Gateway counts as oldest, then by name', () => {
  const dated = gateway('team-a', 'dated', [http('http')], { createdAt: '2020-01-01T00:00:00Z' });
  const fileB = gateway('team-b', 'b', [http('http')]);
  const fileA = gateway('team-b', 'a', [http('http')]);
  const { resolution, statuses } = resolve(dated, fileB, fileA);
  assert.deepEqual(attachable(resolution, 'team-b/a'), { http: true });
  assert.deepEqual(attachable(resolution, 'team-b/b'), { http: false });
  assert.deepEqual(attachable(resolution, 'team-a/dated'), { http: false });
  const message = statuses.find((s) => s.name === 'dated')?.listeners[0]?.conditions.find((c) => c.type === 'Conflicted')?.message ?? '';
  assert.match(message, /a listener of a Gateway in another namespace/);
  assert.doesNotMatch(message, /team-b/);
});

test('a Gateway that is not accepted holds no port', () => {
  const rejected = gateway('web', 'old', [http('http')], { createdAt: '2020-01-01T00:00:00Z', spec: { addresses: [{ type: 'IPAddress', value: '10.0.0.1' }] } });
  const { resolution } = resolve(rejected, gateway('web', 'new', [http('http')], { createdAt: '2024-01-01T00:00:00Z' }));
  assert.deepEqual(attachable(resolution, 'web/new'), { http: true });
});

test('HTTPS listeners on one port whose hostnames overlap get OverlappingTLSConfig, across Gateways too', () => {
  const { statuses } = resolve(
    gateway('web', 'a', [https('foo', 'c', 443, 'foo.example.com'), https('exact', 'c', 443, 'example.com'), https('other-port', 'c', 8443, 'foo.example.com')]),
    gateway('web', 'b', [https('wildcard', 'c', 443, '*.example.com')]),
  );
  const overlapping = (gw: string, l: string): string | undefined =>
    statuses.find((s) => s.name === gw)?.listeners.find((x) => x.name === l)?.conditions.find((c) => c.type === 'OverlappingTLSConfig')?.reason;
  assert.equal(overlapping('a', 'foo'), 'OverlappingHostnames');
  assert.equal(overlapping('b', 'wildcard'), 'OverlappingHostnames');
  assert.equal(overlapping('a', 'exact'), undefined, '*.example.com does not match example.com');
  assert.equal(overlapping('a', 'other-port'), undefined);
});
