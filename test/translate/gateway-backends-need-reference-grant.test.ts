// On a Gateway, a backendRef to another namespace needs a ReferenceGrant there: without one the
// backend is Invalid (its share answers 500) and the Gateway parent's ResolvedRefs is False with
// RefNotPermitted; the same route on a Service parent (mesh) needs no grant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import type { HTTPRoute, ReferenceGrant } from '../../src/api/gateway/index.js';
import { GATEWAY_CONTROLLER_NAME, type HttpBackendIR } from '../../src/ir/index.js';
import { bindGatewayParent } from '../../src/translate/gateway-parents.js';
import { settleGatewayRoutes } from '../../src/translate/gateway-route-attach.js';
import { gatewayParentStatus } from '../../src/translate/gateway-route-status.js';
import { translateHttpRoute } from '../../src/translate/httproute.js';
import { indexReferenceGrants } from '../../src/translate/referencegrant.js';
import { gateway, resolution } from './gateway-resolution-fixture.js';

const services = new Map<string, V1Service>([['backend/api', { metadata: { name: 'api', namespace: 'backend' }, spec: { ports: [{ port: 8080 }] } }]]);
const route: HTTPRoute = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'api', namespace: 'app', generation: 3 },
  spec: {
    parentRefs: [{ name: 'public', namespace: 'infra' }],
    rules: [{ backendRefs: [{ name: 'api', namespace: 'backend', port: 8080, weight: 3 }] }],
  },
};
const grant: ReferenceGrant = {
  apiVersion: 'gateway.networking.k8s.io/v1beta1',
  kind: 'ReferenceGrant',
  metadata: { name: 'from-app', namespace: 'backend' },
  spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'app' }], to: [{ group: '', kind: 'Service' }] },
};
const world = resolution([gateway('infra', 'public', [{ name: 'http', port: 80, protocol: 'HTTP' }])]);

function statusWith(grants: ReferenceGrant[]): { backend: HttpBackendIR | undefined; conditions: Record<string, string> } {
  const translated = translateHttpRoute(route, { services, grants: indexReferenceGrants(grants) });
  const bindings = translated.view.parentRefs.map((ref) => bindGatewayParent(translated.view, ref, world));
  const settled = settleGatewayRoutes([{ route: translated, bindings }]);
  const [binding] = bindings;
  assert.ok(binding);
  const entry = gatewayParentStatus(translated, binding, 0, settled.losses, GATEWAY_CONTROLLER_NAME);
  assert.ok(entry);
  assert.equal(entry.controllerName, 'sidelane.io/gateway-controller');
  const conditions = Object.fromEntries(entry.conditions.map((c) => [c.type, `${c.status} ${c.reason}`]));
  assert.ok(translated.family === 'http');
  return { backend: translated.rules[0]?.rule.backends[0], conditions };
}

test('without a ReferenceGrant the backend is Invalid (RefNotPermitted) and keeps its weight', () => {
  const { backend, conditions } = statusWith([]);
  assert.ok(backend?.kind === 'Invalid');
  assert.deepEqual([backend.weight, backend.reason], [3, 'RefNotPermitted']);
  assert.match(backend.message, /Service backend\/api is in another namespace and no ReferenceGrant there allows it/);
  assert.deepEqual(conditions, { Accepted: 'True Accepted', ResolvedRefs: 'False RefNotPermitted' });
});

test('a ReferenceGrant in the backend namespace from HTTPRoutes of the route namespace permits it', () => {
  const { backend, conditions } = statusWith([grant]);
  assert.deepEqual(backend, { kind: 'Service', service: { namespace: 'backend', name: 'api' }, port: 8080, weight: 3, filters: [] });
  assert.deepEqual(conditions, { Accepted: 'True Accepted', ResolvedRefs: 'True ResolvedRefs' });
});

test('a grant for another route kind does not count', () => {
  const tcpOnly: ReferenceGrant = { ...grant, spec: { ...grant.spec, from: [{ group: 'gateway.networking.k8s.io', kind: 'TCPRoute', namespace: 'app' }] } };
  assert.equal(statusWith([tcpOnly]).conditions.ResolvedRefs, 'False RefNotPermitted');
});

test('the mesh backend context (no grants index) resolves the same reference', () => {
  const mesh = translateHttpRoute(route, { services });
  assert.ok(mesh.family === 'http');
  assert.equal(mesh.rules[0]?.rule.backends[0]?.kind, 'Service');
});
