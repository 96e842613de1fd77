// Against a real API server: the leader writes our GatewayClass's status (Accepted, the supported
// features) and a good Gateway's (Accepted, Programmed, addresses from the gateway Service, the
// listener's attachedRoutes following an HTTPRoute created and deleted, lastTransitionTime kept
// meanwhile), by server-side apply as field manager sidelane; the addresses follow the Service's
// LoadBalancer ingress once it has one; and a controller started on the unchanged cluster rewrites
// nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeHttp, objectPath } from '../../../src/controller/kube/kube-http.js';
import { applyObjects, deleteObject, sharedKube, uniqueNamespace, type KubeEnv } from '../../support/kube.js';
import {
  conditionOf,
  gateway,
  gatewayWhere,
  listenerOf,
  readGateway,
  readGatewayClass,
  routeParent,
  routeTo,
  routeWhere,
  startGatewaySetup,
  type GatewayTestSetup,
} from './gateway-fixture.js';
import { eventually, service } from './kube-controller-fixture.js';

let kube: KubeEnv;
let ns: string;
let setup: GatewayTestSetup | undefined;

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'gw-status');
  await applyObjects(kube, [service(ns, 'backend')]);
  setup = await startGatewaySetup(kube, ns);
});

after(async () => {
  await setup?.close();
  await kube.stop();
});

function current(): GatewayTestSetup {
  if (!setup) throw new Error('set-up failed');
  return setup;
}

const writtenBySidelane = (managedFields: { manager: string; subresource?: string; operation: string }[] | undefined): boolean =>
  managedFields?.some((f) => f.manager === 'sidelane' && f.subresource === 'status' && f.operation === 'Apply') ?? false;

test('the GatewayClass is Accepted and lists its supported features', { timeout: 30_000 }, async () => {
  const { className } = current();
  const stored = await eventually('class status', async () => {
    const gc = await readGatewayClass(kube, className);
    return conditionOf(gc.status?.conditions, 'Accepted')?.status === 'True' ? gc : undefined;
  });
  const accepted = conditionOf(stored.status?.conditions, 'Accepted');
  assert.equal(accepted?.reason, 'Accepted');
  assert.equal(accepted.observedGeneration, stored.metadata.generation);
  const features = stored.status?.supportedFeatures?.map((f) => f.name) ?? [];
  for (const feature of ['Gateway', 'HTTPRoute']) assert.ok(features.includes(feature), `${feature} in ${features.join(', ')}`);
  assert.ok(writtenBySidelane(stored.metadata.managedFields), 'server-side apply by field manager sidelane');
});

test('a good HTTP listener: Accepted, Programmed, the Service\'s ClusterIP, attachedRoutes following a route', { timeout: 60_000 }, async () => {
  const { className, controllerName } = current();
  const http = new KubeHttp(kube.kubeConfig);
  const svc = (await http.get(objectPath('v1', 'services', ns, 'gateway'))) as { spec: { clusterIP: string } };
  await applyObjects(kube, [gateway(ns, 'edge', className, [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }])]);

  const first = await gatewayWhere(kube, ns, 'edge', 'Gateway Accepted and Programmed', (g) =>
    conditionOf(g.status?.conditions, 'Accepted')?.status === 'True' && conditionOf(g.status?.conditions, 'Programmed')?.status === 'True',
  );
  assert.deepEqual(first.status?.addresses, [{ type: 'IPAddress', value: svc.spec.clusterIP }]);
  const listener = listenerOf(first, 'http');
  assert.equal(listener?.attachedRoutes, 0);
  assert.deepEqual(listener.supportedKinds.map((k) => k.kind).sort(), ['GRPCRoute', 'HTTPRoute']);
  for (const [type, status] of [['Accepted', 'True'], ['ResolvedRefs', 'True'], ['Conflicted', 'False'], ['Programmed', 'True']] as const) {
    assert.equal(conditionOf(listener.conditions, type)?.status, status, `listener ${type}`);
  }
  assert.ok(writtenBySidelane(first.metadata.managedFields));
  const acceptedSince = conditionOf(first.status.conditions, 'Accepted')?.lastTransitionTime;

  const route = routeTo(ns, 'web', [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', sectionName: 'http' }]);
  await applyObjects(kube, [route]);
  const attached = await gatewayWhere(kube, ns, 'edge', 'attachedRoutes 1', (g) => listenerOf(g, 'http')?.attachedRoutes === 1);
  assert.equal(conditionOf(attached.status?.conditions, 'Accepted')?.lastTransitionTime, acceptedSince, 'the Accepted time is kept');
  const stored = await routeWhere(kube, ns, 'web', 'the route\'s gateway entry', (r) => routeParent(r, controllerName, 'edge') !== undefined);
  const entry = routeParent(stored, controllerName, 'edge');
  assert.equal(conditionOf(entry?.conditions, 'Accepted')?.status, 'True');
  assert.equal(conditionOf(entry?.conditions, 'ResolvedRefs')?.status, 'True');

  await deleteObject(kube, route);
  await gatewayWhere(kube, ns, 'edge', 'attachedRoutes back to 0', (g) => listenerOf(g, 'http')?.attachedRoutes === 0);
});

test('the addresses follow the gateway Service\'s LoadBalancer ingress', { timeout: 60_000 }, async () => {
  const http = new KubeHttp(kube.kubeConfig);
  const path = objectPath('v1', 'services', ns, 'gateway');
  await http.request('PATCH', `${path}/status`, {
    contentType: 'application/merge-patch+json',
    body: { status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }, { hostname: 'gw.example.com' }] } } },
  });
  const stored = await gatewayWhere(kube, ns, 'edge', 'LoadBalancer addresses', (g) => g.status?.addresses?.[0]?.value === '203.0.113.10');
  assert.deepEqual(stored.status?.addresses, [
    { type: 'IPAddress', value: '203.0.113.10' },
    { type: 'Hostname', value: 'gw.example.com' },
  ]);
});

test('a controller started on the unchanged cluster rewrites no GatewayClass or Gateway status', { timeout: 60_000 }, async () => {
  const { className } = current();
  await sleep(500); // the last writes come back through the watch
  const before = [(await readGatewayClass(kube, className)).metadata.resourceVersion, (await readGateway(kube, ns, 'edge')).metadata.resourceVersion];
  const second = await current().restart();
  await eventually('the new replica is ready', () => second.controller.ready(), 15_000);
  await sleep(1000);
  const afterwards = [(await readGatewayClass(kube, className)).metadata.resourceVersion, (await readGateway(kube, ns, 'edge')).metadata.resourceVersion];
  assert.deepEqual(afterwards, before);
});
