// Every Gateway of a class is served by one gateway deployment, so all report the addresses of its
// Service: LoadBalancer ingress when there is one, else ClusterIPs, or those given in the options
// (file mode). Without them the Gateway is not Programmed (AddressNotAssigned, naming the Service);
// spec.addresses cannot be honoured and makes the Gateway not Accepted (UnsupportedAddress).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Service } from '@kubernetes/client-node';
import type { Gateway } from '../../src/api/gateway/index.js';
import { gatewayStatuses, resolveGateways } from '../../src/translate/gateways.js';
import type { GatewayTranslateOptions } from '../../src/translate/gateway-model.js';
import { listenerKey } from '../../src/translate/gateway-model.js';
import { OPTIONS, gateway, gatewayClass, http, service, snapshotOf, summary } from './gateway-objects-fixture.js';

function statusOf(services: V1Service[], options: GatewayTranslateOptions = OPTIONS, gateways: Gateway[] = [gateway('web', 'edge', [http('http')])]) {
  const snapshot = snapshotOf({ gatewayClasses: [gatewayClass()], gateways, services });
  const resolution = resolveGateways(snapshot, options);
  return gatewayStatuses(resolution, snapshot, options, new Map()).gatewayStatuses;
}

const gatewaySvc = (extra: Pick<V1Service, 'spec' | 'status'>): V1Service => service('sidelane-system', 'sidelane-gateway', extra);

test('a LoadBalancer ingress gives the addresses, IPs and hostnames alike, for every Gateway of the class', () => {
  const svc = gatewaySvc({
    spec: { type: 'LoadBalancer', clusterIPs: ['10.96.0.10'] },
    status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.net' }, { ip: '203.0.113.7' }] } },
  });
  const statuses = statusOf([svc], OPTIONS, [gateway('a', 'one', [http('http', 80, 'a.example.com')]), gateway('b', 'two', [http('http', 80, 'b.example.com')])]);
  for (const s of statuses) {
    assert.deepEqual(s.addresses, [
      { type: 'IPAddress', value: '203.0.113.7' },
      { type: 'Hostname', value: 'lb.example.net' },
    ]);
    assert.deepEqual(summary(s.conditions), ['Accepted=True/Accepted', 'Programmed=True/Programmed']);
    assert.equal(s.conditions[0]?.observedGeneration, 3);
  }
});

test('without a load balancer address the ClusterIPs are reported', () => {
  const [s] = statusOf([gatewaySvc({ spec: { type: 'LoadBalancer', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::a'] }, status: {} })]);
  assert.deepEqual(s?.addresses, [
    { type: 'IPAddress', value: '10.96.0.10' },
    { type: 'IPAddress', value: 'fd00::a' },
  ]);
});

test('addresses given in the options win (file mode)', () => {
  const options = { ...OPTIONS, gatewayAddresses: [{ type: 'IPAddress' as const, value: '127.0.0.1' }] };
  const [s] = statusOf([], options);
  assert.ok(s);
  assert.deepEqual(s.addresses, [{ type: 'IPAddress', value: '127.0.0.1' }]);
  assert.deepEqual(summary(s.conditions), ['Accepted=True/Accepted', 'Programmed=True/Programmed']);
});

test('no gateway Service yet: Programmed=False AddressNotAssigned naming the Service', () => {
  const [s] = statusOf([]);
  assert.ok(s);
  assert.deepEqual(s.addresses, []);
  const programmed = s.conditions.find((c) => c.type === 'Programmed');
  assert.equal(`${programmed?.status}/${programmed?.reason}`, 'False/AddressNotAssigned');
  assert.match(programmed?.message ?? '', /Service sidelane-system\/sidelane-gateway/);
  // The listeners themselves are served; only the address is missing.
  assert.equal(s.listeners[0]?.conditions.find((c) => c.type === 'Programmed')?.status, 'True');

  const [unconfigured] = statusOf([], { ...OPTIONS, gatewayServices: {} });
  assert.match(unconfigured?.conditions.find((c) => c.type === 'Programmed')?.message ?? '', /No gateway Service is configured for GatewayClass public/);
});

test('spec.addresses makes the Gateway not accepted and unprogrammed', () => {
  const gw = gateway('web', 'edge', [http('http')], { spec: { addresses: [{ type: 'IPAddress', value: '198.51.100.1' }] } });
  const snapshot = snapshotOf({ gatewayClasses: [gatewayClass()], gateways: [gw] });
  const resolution = resolveGateways(snapshot, OPTIONS);
  assert.equal(resolution.gateways.get('web/edge')?.accepted, false);
  assert.equal(resolution.gateways.get('web/edge')?.listeners[0]?.programmed, false);
  const [s] = gatewayStatuses(resolution, snapshot, OPTIONS, new Map()).gatewayStatuses;
  assert.deepEqual(summary(s?.conditions ?? []), ['Accepted=False/UnsupportedAddress', 'Programmed=False/Invalid']);
  assert.match(s?.conditions[0]?.message ?? '', /remove spec\.addresses/);
});

test('attached route counts come from route attachment, per listener', () => {
  const gw = gateway('web', 'edge', [http('http'), http('admin', 8080)]);
  const snapshot = snapshotOf({ gatewayClasses: [gatewayClass()], gateways: [gw] });
  const resolution = resolveGateways(snapshot, OPTIONS);
  const counts = new Map([[listenerKey({ gateway: { namespace: 'web', name: 'edge' }, name: 'http' }), 3]]);
  const [s] = gatewayStatuses(resolution, snapshot, OPTIONS, counts).gatewayStatuses;
  assert.ok(s);
  assert.deepEqual(s.listeners.map((l) => [l.name, l.attachedRoutes]), [['http', 3], ['admin', 0]]);
  assert.deepEqual(s.listeners[0]?.supportedKinds, [
    { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
    { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' },
  ]);
});

test('a resolution built elsewhere still gets its status (the findings are found again)', () => {
  const snapshot = snapshotOf({ gatewayClasses: [gatewayClass()], gateways: [gateway('web', 'edge', [http('http')])] });
  const copy = { ...resolveGateways(snapshot, OPTIONS) };
  const [s] = gatewayStatuses(copy, snapshot, OPTIONS, new Map()).gatewayStatuses;
  assert.equal(s?.listeners.length, 1);
});
