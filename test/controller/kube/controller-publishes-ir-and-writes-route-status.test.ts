// Against a real API server: objects created through the API reach onConfig as IR; route status
// is written by server-side apply (field manager sidelane) with Accepted/ResolvedRefs, a broken
// route gets ResolvedRefs False without touching a valid one, another controller's entry
// survives our writes, and a controller started on an unchanged cluster writes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyObjects, sharedKube, uniqueNamespace, type KubeEnv } from '../../support/kube.js';
import { KubeHttp, objectPath } from '../../../src/controller/kube/kube-http.js';
import {
  condition,
  endpointSlice,
  eventually,
  getHttpRoute,
  hasProducerRoute,
  httpRoute,
  ourParent,
  runController,
  service,
  type RunningController,
} from './kube-controller-fixture.js';

let kube: KubeEnv;
let ns: string;
const running: RunningController[] = [];

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'ctl-status');
  await applyObjects(kube, [
    service(ns, 'web'),
    service(ns, 'web-v1'),
    service(ns, 'api'),
    endpointSlice(ns, 'web-v1', ['10.1.0.1', '10.1.0.2']),
    httpRoute(ns, 'good', 'web', 'web-v1'),
    httpRoute(ns, 'broken', 'api', 'missing'),
  ]);
});

after(async () => {
  await Promise.all(running.map((r) => r.controller.close()));
  await kube.stop();
});

test('objects reach onConfig and route status is applied by the leader', { timeout: 60_000 }, async () => {
  const first = await runController(kube, { identity: 'replica-a', leaseNamespace: ns });
  running.push(first);
  await eventually('the leader', () => first.controller.isLeader());
  await eventually('a config with the route', () => hasProducerRoute(first.latest(), ns, 'web'));
  assert.equal(first.controller.ready(), true);
  const config = first.latest();
  assert.ok(config?.version.startsWith('sha256:'));
  assert.equal(typeof config?.changedAt, 'number');
  const endpoints = config?.ir.endpoints.find((e) => e.service.namespace === ns && e.service.name === 'web-v1');
  assert.deepEqual(endpoints?.ports[0]?.endpoints.map((e) => e.address).sort(), ['10.1.0.1', '10.1.0.2']);

  const good = await eventually('status on the good route', async () => {
    const route = await getHttpRoute(kube, ns, 'good');
    return condition(ourParent(route), 'Accepted') ? route : undefined;
  });
  assert.equal(condition(ourParent(good), 'Accepted')?.status, 'True');
  assert.equal(condition(ourParent(good), 'ResolvedRefs')?.status, 'True');
  assert.equal(condition(ourParent(good), 'Accepted')?.observedGeneration, 1);
  assert.ok(
    good.metadata.managedFields?.some((f) => f.manager === 'sidelane' && f.subresource === 'status' && f.operation === 'Apply'),
    'written by server-side apply as field manager sidelane',
  );

  const broken = await eventually('status on the broken route', async () => {
    const route = await getHttpRoute(kube, ns, 'broken');
    return condition(ourParent(route), 'ResolvedRefs') ? route : undefined;
  });
  assert.equal(condition(ourParent(broken), 'ResolvedRefs')?.status, 'False');
  assert.equal(condition(ourParent(broken), 'ResolvedRefs')?.reason, 'BackendNotFound');
  const goodAgain = await getHttpRoute(kube, ns, 'good');
  assert.equal(condition(ourParent(goodAgain), 'ResolvedRefs')?.status, 'True', 'the valid route is unaffected');

  const metrics = await first.registry.metrics();
  assert.match(metrics, /^sidelane_controller_is_leader 1$/m);
  assert.match(metrics, new RegExp(`^sidelane_controller_config_version_info\\{version="${config?.version ?? ''}"\\} 1$`, 'm'));
  assert.match(metrics, /^sidelane_controller_translations_total [1-9]/m);
  assert.match(metrics, /^sidelane_controller_translation_duration_seconds_count [1-9]/m);
  assert.match(metrics, /^sidelane_controller_status_writes_total\{result="applied"\} [1-9]/m);
  assert.match(metrics, /^sidelane_controller_informer_problems 0$/m);
});

test("another controller's entry survives our writes", { timeout: 60_000 }, async () => {
  const first = running[0];
  assert.ok(first);
  const http = new KubeHttp(kube.kubeConfig);
  const path = objectPath('gateway.networking.k8s.io/v1', 'httproutes', ns, 'good');
  const other = {
    parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' },
    controllerName: 'example.com/gateway-controller',
    conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'theirs', lastTransitionTime: '2025-01-01T00:00:00Z', observedGeneration: 1 }],
  };
  const route = await getHttpRoute(kube, ns, 'good');
  await http.request('PUT', `${path}/status`, {
    body: { ...route, status: { parents: [...(route.status?.parents ?? []), other] } },
  });
  // A spec change makes us write again (a new observedGeneration).
  await http.request('PATCH', path, {
    contentType: 'application/merge-patch+json',
    body: { spec: { rules: [{ backendRefs: [{ name: 'web-v1', port: 80, weight: 2 }] }] } },
  });
  const updated = await eventually('our entry at generation 2', async () => {
    const r = await getHttpRoute(kube, ns, 'good');
    return condition(ourParent(r), 'Accepted')?.observedGeneration === 2 ? r : undefined;
  });
  const theirs = updated.status?.parents?.find((p) => p.controllerName === other.controllerName);
  assert.deepEqual(theirs, other);
  assert.equal(updated.status?.parents?.length, 2);
  assert.match(await first.registry.metrics(), /^sidelane_controller_watch_events_total\{kind="HTTPRoute",type="MODIFIED"\} [1-9]/m);
});

test('a controller started on an unchanged cluster writes no status', { timeout: 60_000 }, async () => {
  const first = running.shift();
  assert.ok(first);
  // Let the first controller finish its writes, then note the routes' versions.
  await sleep(500);
  const before = await Promise.all(['good', 'broken'].map((name) => getHttpRoute(kube, ns, name)));
  await first.controller.close();

  const second = await runController(kube, { identity: 'replica-b', leaseNamespace: ns });
  running.push(second);
  await eventually('the second controller leads', () => second.controller.isLeader(), 10_000);
  await eventually('the second controller is ready', () => second.controller.ready());
  await sleep(1000);
  assert.equal(await second.statusWrites(), 0);
  const afterwards = await Promise.all(['good', 'broken'].map((name) => getHttpRoute(kube, ns, name)));
  assert.deepEqual(
    afterwards.map((r) => r.metadata.resourceVersion),
    before.map((r) => r.metadata.resourceVersion),
  );
});
