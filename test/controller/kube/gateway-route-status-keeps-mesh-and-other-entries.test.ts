// Against a real API server: a route with a Service parent and a Gateway parent gets an entry from
// each of our controllers (mesh and gateway); another controller's entry survives our gateway
// entry's rewrites; and when the route stops naming the Gateway, our gateway entry goes while
// the mesh entry and the other controller's stay.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeHttp, objectPath } from '../../../src/controller/kube/kube-http.js';
import { applyObjects, sharedKube, uniqueNamespace, type KubeEnv } from '../../support/kube.js';
import {
  conditionOf,
  gateway,
  GATEWAY_API,
  readRoute,
  routeParent,
  routeTo,
  routeWhere,
  startGatewaySetup,
  type GatewayTestSetup,
} from './gateway-fixture.js';
import { service } from './kube-controller-fixture.js';

const MESH = 'sidelane.io/mesh-controller';
const FOREIGN = {
  parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'theirs' },
  controllerName: 'example.com/gateway-controller',
  conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'theirs', lastTransitionTime: '2025-01-01T00:00:00Z', observedGeneration: 1 }],
};

let kube: KubeEnv;
let ns: string;
let setup: GatewayTestSetup | undefined;

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'gw-route-entries');
  await applyObjects(kube, [service(ns, 'web'), service(ns, 'backend')]);
  setup = await startGatewaySetup(kube, ns);
  await applyObjects(kube, [gateway(ns, 'edge', setup.className, [{ name: 'http', port: 80, protocol: 'HTTP' }])]);
});

after(async () => {
  await setup?.close();
  await kube.stop();
});

function current(): GatewayTestSetup {
  if (!setup) throw new Error('set-up failed');
  return setup;
}

const BOTH = [
  { group: '', kind: 'Service', name: 'web', port: 80 },
  { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' },
];

test('our two entries and another controller\'s live side by side through our rewrites', { timeout: 60_000 }, async () => {
  const { controllerName } = current();
  await applyObjects(kube, [routeTo(ns, 'both', BOTH)]);
  const first = await routeWhere(kube, ns, 'both', 'mesh and gateway entries', (r) =>
    routeParent(r, MESH, 'web') !== undefined && routeParent(r, controllerName, 'edge') !== undefined,
  );
  assert.equal(conditionOf(routeParent(first, controllerName, 'edge')?.conditions, 'Accepted')?.status, 'True');
  assert.equal(conditionOf(routeParent(first, MESH, 'web')?.conditions, 'Accepted')?.status, 'True');

  const http = new KubeHttp(kube.kubeConfig);
  const path = objectPath(GATEWAY_API, 'httproutes', ns, 'both');
  const stored = (await http.get(path)) as { status?: { parents?: unknown[] } };
  await http.request('PUT', `${path}/status`, { body: { ...stored, status: { parents: [...(stored.status?.parents ?? []), FOREIGN] } } });

  // A spec change: both of our entries are rewritten at generation 2.
  await http.request('PATCH', path, {
    contentType: 'application/merge-patch+json',
    body: { spec: { rules: [{ backendRefs: [{ name: 'backend', port: 80, weight: 2 }] }] } },
  });
  const rewritten = await routeWhere(kube, ns, 'both', 'our entries at generation 2', (r) =>
    conditionOf(routeParent(r, controllerName, 'edge')?.conditions, 'Accepted')?.observedGeneration === 2 &&
    conditionOf(routeParent(r, MESH, 'web')?.conditions, 'Accepted')?.observedGeneration === 2,
  );
  assert.deepEqual(rewritten.status?.parents?.find((p) => p.controllerName === FOREIGN.controllerName), FOREIGN);
  assert.equal(rewritten.status.parents.length, 3);
});

test('a route that stops naming the Gateway loses only our gateway entry', { timeout: 60_000 }, async () => {
  const { controllerName } = current();
  await new KubeHttp(kube.kubeConfig).request('PATCH', objectPath(GATEWAY_API, 'httproutes', ns, 'both'), {
    contentType: 'application/merge-patch+json',
    body: { spec: { parentRefs: [BOTH[0]] } },
  });
  const after = await routeWhere(kube, ns, 'both', 'the gateway entry removed', (r) => routeParent(r, controllerName, 'edge') === undefined);
  assert.ok(routeParent(after, MESH, 'web'), 'the mesh entry stays');
  assert.deepEqual(after.status?.parents?.find((p) => p.controllerName === FOREIGN.controllerName), FOREIGN);
  assert.equal((await readRoute(kube, ns, 'both')).status?.parents?.length, 2);
});
