// attachedRoutes counts routes (not rules, not parentRefs) that attached to a listener, including
// routes the listener will not serve; what a listener serves excludes the newer of an HTTPRoute and
// a GRPCRoute sharing a hostname (GEP-1016) and all but the oldest route of a TCP or UDP listener.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import type { GRPCRoute, HTTPRoute, TCPRoute } from '../../src/api/gateway/index.js';
import { listenerKey, type GatewayResolution } from '../../src/translate/gateway-model.js';
import { bindGatewayParent } from '../../src/translate/gateway-parents.js';
import { settleGatewayRoutes, type RouteOnGateways } from '../../src/translate/gateway-route-attach.js';
import { translateGrpcRoute } from '../../src/translate/grpcroute.js';
import { translateHttpRoute } from '../../src/translate/httproute.js';
import { translateTcpRoute } from '../../src/translate/l4route.js';
import type { ParentRefInput, TranslatedRoute } from '../../src/translate/routeview.js';
import { gateway, resolution } from './gateway-resolution-fixture.js';

const services = new Map<string, V1Service>([
  ['app/web', { metadata: { name: 'web', namespace: 'app' }, spec: { ports: [{ port: 80 }, { port: 5432 }] } }],
]);
const backends = { services };
const backendRefs = [{ name: 'web', namespace: 'app', port: 80 }];

function http(name: string, created: string, parentRefs: ParentRefInput[], hostnames: string[] = [], rules = 2): TranslatedRoute {
  const route: HTTPRoute = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'app', creationTimestamp: created as unknown as Date },
    spec: { parentRefs, hostnames, rules: Array.from({ length: rules }, () => ({ backendRefs: [{ name: 'web', port: 80 }] })) },
  };
  return translateHttpRoute(route, backends);
}

function grpc(name: string, created: string, parentRefs: ParentRefInput[], hostnames: string[] = []): TranslatedRoute {
  const route: GRPCRoute = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { name, namespace: 'app', creationTimestamp: created as unknown as Date },
    spec: { parentRefs, hostnames, rules: [{ backendRefs }] },
  };
  return translateGrpcRoute(route, backends);
}

function tcp(name: string, created: string, parentRefs: ParentRefInput[]): TranslatedRoute {
  const route: TCPRoute = {
    apiVersion: 'gateway.networking.k8s.io/v1alpha2',
    kind: 'TCPRoute',
    metadata: { name, namespace: 'app', creationTimestamp: created as unknown as Date },
    spec: { parentRefs, rules: [{ backendRefs: [{ name: 'web', port: 5432 }] }] },
  };
  return translateTcpRoute(route, backends);
}

function settle(world: GatewayResolution, routes: TranslatedRoute[]): ReturnType<typeof settleGatewayRoutes> {
  const onGateways: RouteOnGateways[] = routes.map((route) => ({
    route,
    bindings: route.view.parentRefs.map((ref) => bindGatewayParent(route.view, ref, world)),
  }));
  return settleGatewayRoutes(onGateways);
}

const gw = gateway('infra', 'public', [
  { name: 'http', port: 80, protocol: 'HTTP' },
  { name: 'other', port: 8080, protocol: 'HTTP', hostname: 'other.example.com' },
  { name: 'postgres', port: 5432, protocol: 'TCP' },
  { name: 'broken', port: 81, protocol: 'HTTP', attachable: false },
  { name: 'waiting', port: 82, protocol: 'HTTP', programmed: false },
]);
const world = resolution([gw]);
const key = (name: string): string => listenerKey({ gateway: { namespace: 'infra', name: 'public' }, name });
const parent = (sectionName?: string): ParentRefInput => ({ name: 'public', namespace: 'infra', ...(sectionName ? { sectionName } : {}) });

test('attachedRoutes counts routes once per listener, whatever their rules or parentRefs', () => {
  const a = http('a', '2024-01-01T00:00:00Z', [parent('http'), parent()], [], 3);
  const b = http('b', '2024-01-02T00:00:00Z', [parent('http')]);
  const { attachedRoutes, served } = settle(world, [a, b]);
  assert.equal(attachedRoutes.get(key('http')), 2);
  // `a` reached `other` through the whole-Gateway parentRef; `b` did not.
  assert.equal(attachedRoutes.get(key('other')), 1);
  assert.equal(attachedRoutes.get(key('postgres')), undefined);
  assert.deepEqual(served.get(key('http'))?.map((x) => [x.route.view.ref.name, x.parentIndexes]), [['a', [0, 1]], ['b', [0]]]);
});

test('listeners that are not Accepted count routes but serve none; not Programmed ones are not served', () => {
  const a = http('a', '2024-01-01T00:00:00Z', [parent()]);
  const { attachedRoutes, served, losses } = settle(world, [a]);
  assert.equal(attachedRoutes.get(key('broken')), 1);
  assert.equal(attachedRoutes.get(key('waiting')), 1);
  assert.equal(served.has(key('broken')), false);
  assert.equal(served.has(key('waiting')), false);
  assert.deepEqual(losses, []);
});

test('routes with no valid rule count but are not served', () => {
  const empty = http('empty', '2024-01-01T00:00:00Z', [parent('http')], [], 0);
  const { attachedRoutes, served } = settle(world, [empty]);
  assert.equal(attachedRoutes.get(key('http')), 1);
  assert.deepEqual(served.get(key('http')), []);
});

test('GEP-1016: the newer of an HTTPRoute and a GRPCRoute with intersecting hostnames loses the listener', () => {
  const web = http('web', '2024-01-01T00:00:00Z', [parent('http')], ['*.example.com']);
  const api = grpc('api', '2024-01-02T00:00:00Z', [parent('http')], ['api.example.com']);
  const other = grpc('other', '2024-01-03T00:00:00Z', [parent('http')], ['grpc.example.net']);
  const { attachedRoutes, served, losses } = settle(world, [api, other, web]);
  assert.equal(attachedRoutes.get(key('http')), 3);
  assert.deepEqual(served.get(key('http'))?.map((x) => x.route.view.ref.name), ['web', 'other']);
  assert.equal(losses.length, 1);
  const [loss] = losses;
  assert.ok(loss);
  assert.equal(loss.route, api);
  assert.match(loss.message, /older HTTPRoute app\/web on hostname\(s\) \*\.example\.com.*GEP-1016/);
});

test('a TCP listener serves the oldest TCPRoute; the others lose it', () => {
  const older = tcp('older', '2024-01-01T00:00:00Z', [parent('postgres')]);
  const newer = tcp('newer', '2024-02-01T00:00:00Z', [parent('postgres')]);
  const { attachedRoutes, served, losses } = settle(world, [newer, older]);
  assert.equal(attachedRoutes.get(key('postgres')), 2);
  assert.deepEqual(served.get(key('postgres'))?.map((x) => x.route.view.ref.name), ['older']);
  assert.deepEqual(losses.map((l) => [l.route.view.ref.name, l.parentIndex]), [['newer', 0]]);
});

test('a Gateway that is not accepted counts routes and serves nothing', () => {
  const down = resolution([gateway('infra', 'public', [{ name: 'http', port: 80, protocol: 'HTTP' }], { accepted: false })]);
  const { attachedRoutes, served } = settle(down, [http('a', '', [parent('http')])]);
  assert.equal(attachedRoutes.get(key('http')), 1);
  assert.equal(served.size, 0);
});
