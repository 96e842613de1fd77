// The Accepted condition of a Gateway parent entry: True naming the listeners (with notes on those
// not serving), or False with the reason that stopped the route: Gateway not accepted, only
// listeners that are not Accepted, lost every listener (GEP-1016), or no valid rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import type { GRPCRoute, HTTPRoute } from '../../src/api/gateway/index.js';
import { GATEWAY_CONTROLLER_NAME, type ConditionIR } from '../../src/ir/index.js';
import type { GatewayResolution } from '../../src/translate/gateway-model.js';
import { bindGatewayParent } from '../../src/translate/gateway-parents.js';
import { settleGatewayRoutes } from '../../src/translate/gateway-route-attach.js';
import { gatewayParentStatus } from '../../src/translate/gateway-route-status.js';
import { translateGrpcRoute } from '../../src/translate/grpcroute.js';
import { translateHttpRoute } from '../../src/translate/httproute.js';
import type { TranslatedRoute } from '../../src/translate/routeview.js';
import { gateway, resolution } from './gateway-resolution-fixture.js';

const services = new Map<string, V1Service>([['app/web', { metadata: { name: 'web', namespace: 'app' }, spec: { ports: [{ port: 80 }] } }]]);

function http(name: string, created: string, rules: HTTPRoute['spec']['rules'] = [{ backendRefs: [{ name: 'web', port: 80 }] }]): TranslatedRoute {
  return translateHttpRoute(
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name, namespace: 'app', creationTimestamp: created as unknown as Date },
      spec: { parentRefs: [{ name: 'public', namespace: 'app' }], hostnames: ['www.example.com'], rules },
    },
    { services },
  );
}

function grpc(name: string, created: string): TranslatedRoute {
  const route: GRPCRoute = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { name, namespace: 'app', creationTimestamp: created as unknown as Date },
    spec: { parentRefs: [{ name: 'public', namespace: 'app' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
  };
  return translateGrpcRoute(route, { services });
}

function accepted(world: GatewayResolution, routes: TranslatedRoute[], which = 0): ConditionIR {
  const all = routes.map((route) => ({ route, bindings: route.view.parentRefs.map((ref) => bindGatewayParent(route.view, ref, world)) }));
  const settled = settleGatewayRoutes(all);
  const subject = all[which];
  assert.ok(subject?.bindings[0]);
  const condition = gatewayParentStatus(subject.route, subject.bindings[0], 0, settled.losses, GATEWAY_CONTROLLER_NAME)?.conditions.find((c) => c.type === 'Accepted');
  assert.ok(condition);
  return condition;
}

test('True names the listeners and hostnames, with a note for one not Programmed', () => {
  const world = resolution([
    gateway('app', 'public', [
      { name: 'http', port: 80, protocol: 'HTTP' },
      { name: 'https', port: 443, protocol: 'HTTPS', programmed: false },
    ]),
  ]);
  const c = accepted(world, [http('web', '')]);
  assert.equal(c.status, 'True');
  assert.equal(
    c.message,
    'Route attached to Gateway app/public listener http (port 80) for www.example.com, listener https (port 443) for www.example.com; ' +
      "listener https is not Programmed (see the Gateway's listener status): it serves no traffic until it is",
  );
});

test('a Gateway that is not Accepted: NoMatchingParent', () => {
  const world = resolution([gateway('app', 'public', [{ name: 'http', port: 80, protocol: 'HTTP' }], { accepted: false })]);
  assert.deepEqual([accepted(world, [http('web', '')]).status, accepted(world, [http('web', '')]).reason], ['False', 'NoMatchingParent']);
});

test('only listeners that are not Accepted: NoReadyListeners', () => {
  const world = resolution([gateway('app', 'public', [{ name: 'http', port: 80, protocol: 'HTTP', attachable: false }])]);
  const c = accepted(world, [http('web', '')]);
  assert.equal(c.reason, 'NoReadyListeners');
  assert.match(c.message, /listener http is not Accepted/);
});

test('every listener lost to an older route of the other kind: Conflicted', () => {
  const world = resolution([gateway('app', 'public', [{ name: 'http', port: 80, protocol: 'HTTP' }])]);
  const c = accepted(world, [http('web', '2024-02-01T00:00:00Z'), grpc('api', '2024-01-01T00:00:00Z')]);
  assert.equal(c.status, 'False');
  assert.equal(c.reason, 'Conflicted');
  assert.match(c.message, /older GRPCRoute app\/api/);
});

test('no valid rule: UnsupportedValue', () => {
  const world = resolution([gateway('app', 'public', [{ name: 'http', port: 80, protocol: 'HTTP' }])]);
  const bad = http('web', '', [{ matches: [{ path: { type: 'RegularExpression', value: '(' } }], backendRefs: [{ name: 'web', port: 80 }] }]);
  const c = accepted(world, [bad]);
  assert.deepEqual([c.status, c.reason], ['False', 'UnsupportedValue']);
});
