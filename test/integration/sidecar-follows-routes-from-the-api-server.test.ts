// The whole control path on a real API server: objects created through the API, translated by the
// controller, streamed to a sidecar, enforced on real requests within a second; route status says
// what happened, for producer and consumer routes, good and broken; a broken route never disturbs
// a valid one; a deleted route stops applying.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { RunningController } from '../../src/cli/controller-command.js';
import { startControlPlane, startMeshProxy, within, type MeshProxy } from '../support/control-plane.js';
import { applyYaml, deleteObject, endpointHost, sharedKube, uniqueNamespace, type KubeEnv } from '../support/kube.js';
import { startEcho, type EchoServer } from '../../src/echo/server.js';
import { echoBackends, request, serviceYaml } from '../support/mesh.js';

let kube: KubeEnv;
let ns: string;
let clientNs: string;
let controller: RunningController | undefined;
let proxy: MeshProxy | undefined;
let echoes: EchoServer[] = [];

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'shop');
  clientNs = await uniqueNamespace(kube, 'web');
  echoes = await Promise.all(['reviews-v1', 'reviews-v2', 'ratings'].map((name) => startEcho({ name, host: endpointHost(), port: 0 })));
  const [v1, v2, ratings] = echoes;
  if (!v1 || !v2 || !ratings) throw new Error('echoes');
  await applyYaml(kube, [
    serviceYaml({ name: 'reviews', namespace: ns, backends: echoBackends(v1) }),
    serviceYaml({ name: 'reviews-v2', namespace: ns, backends: echoBackends(v2) }),
    serviceYaml({ name: 'ratings', namespace: ns, backends: echoBackends(ratings) }),
  ].join('\n---\n'), ns);
  controller = await startControlPlane(kube, { leaseNamespace: ns });
  proxy = await startMeshProxy([`127.0.0.1:${controller.configPort}`], clientNs);
});

function running(): { controller: RunningController; proxy: MeshProxy } {
  if (!controller || !proxy) throw new Error('set-up failed');
  return { controller, proxy };
}

after(async () => {
  await proxy?.close();
  await controller?.close();
  await Promise.all(echoes.map((e) => e.close()));
  await kube.stop();
});

const reviews = (): string => `reviews.${ns}`;
const backendOf = async (path: string, headers: Record<string, string> = {}): Promise<string> =>
  (await request(running().proxy.port, reviews(), path, { headers })).json?.name ?? '';

function routeYaml(name: string, routeNs: string, rules: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${routeNs}}
spec:
  parentRefs: [{group: "", kind: Service, name: reviews, namespace: ${ns}, port: 80}]
  rules:
${rules}`;
}

interface RouteStatus { status?: { parents?: { controllerName: string; conditions: { type: string; status: string; reason: string }[] }[] } }

async function conditions(name: string, routeNs: string): Promise<Record<string, string>> {
  const api = kube.kubeConfig.makeApiClient(CustomObjectsApi);
  const route = (await api.getNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: routeNs, plural: 'httproutes', name })) as RouteStatus;
  const ours = route.status?.parents?.find((p) => p.controllerName === 'sidelane.io/mesh-controller');
  return Object.fromEntries((ours?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));
}

test('without routes the sidecar load-balances to the Service it learned on demand', async () => {
  assert.equal(await backendOf('/'), 'reviews-v1');
});

test('a producer route created through the API is enforced within a second and gets Accepted/ResolvedRefs', async () => {
  await applyYaml(kube, routeYaml('reviews-split', ns, `
  - matches: [{path: {type: PathPrefix, value: /v2}}]
    backendRefs: [{name: reviews-v2, port: 80}]
  - backendRefs: [{name: reviews, port: 80}]`), ns);
  const took = await within(1000, 'the /v2 rule reaches the sidecar', async () => (await backendOf('/v2/item')) === 'reviews-v2');
  assert.ok(took < 1000);
  assert.equal(await backendOf('/other'), 'reviews-v1');
  await within(5000, 'status written', async () => (await conditions('reviews-split', ns)).Accepted === 'True/Accepted');
  assert.deepEqual(await conditions('reviews-split', ns), { Accepted: 'True/Accepted', ResolvedRefs: 'True/ResolvedRefs' });
});

test('a consumer route applies to its own namespace only and takes precedence there', async () => {
  await applyYaml(kube, routeYaml('reviews-for-web', clientNs, `
  - backendRefs: [{name: ratings, namespace: ${ns}, port: 80}]`), clientNs);
  await within(1000, 'the consumer route reaches the sidecar in its namespace', async () => (await backendOf('/v2/item')) === 'ratings');
  await within(5000, 'status written', async () => (await conditions('reviews-for-web', clientNs)).Accepted === 'True/Accepted');
  assert.deepEqual(await conditions('reviews-for-web', clientNs), { Accepted: 'True/Accepted', ResolvedRefs: 'True/ResolvedRefs' });
  const other = await startMeshProxy([`127.0.0.1:${running().controller.configPort}`], ns, 'producer-side');
  try {
    const res = await request(other.port, reviews(), '/v2/item');
    assert.equal(res.json?.name, 'reviews-v2', 'a client in another namespace still gets the producer route');
  } finally {
    await other.close();
  }
  await deleteObject(kube, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'reviews-for-web', namespace: clientNs } });
  await within(1000, 'the deleted consumer route stops applying', async () => (await backendOf('/v2/item')) === 'reviews-v2');
});

test('a route with a missing backend is reported and does not disturb the valid one', async () => {
  await applyYaml(kube, `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ratings-broken, namespace: ${ns}}
spec:
  parentRefs: [{group: "", kind: Service, name: ratings, port: 80}]
  rules:
  - backendRefs: [{name: does-not-exist, port: 80}]`, ns);
  await within(5000, 'broken route reported', async () => (await conditions('ratings-broken', ns)).ResolvedRefs === 'False/BackendNotFound');
  assert.equal((await conditions('ratings-broken', ns)).Accepted, 'True/Accepted');
  const res = await request(running().proxy.port, `ratings.${ns}`, '/');
  assert.equal(res.status, 500, 'requests the broken rule takes fail as the spec says (500)');
  assert.equal(await backendOf('/v2/item'), 'reviews-v2', 'the valid route still applies');
  assert.deepEqual(await conditions('reviews-split', ns), { Accepted: 'True/Accepted', ResolvedRefs: 'True/ResolvedRefs' });
});

test('a deleted route stops applying within a second', async () => {
  await deleteObject(kube, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'reviews-split', namespace: ns } });
  await within(1000, 'the deleted route stops applying', async () => (await backendOf('/v2/item')) === 'reviews-v1');
});
