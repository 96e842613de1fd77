// A restart of kube-apiserver (etcd and its data stay, as in a control-plane upgrade): the watches
// come back by themselves, later changes still reach the config, and the relist writes no status
// because nothing changed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyObjects, startKube, uniqueNamespace, type KubeEnv } from '../../support/kube.js';
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
let running: RunningController | undefined;

before(async () => {
  kube = await startKube();
  ns = await uniqueNamespace(kube, 'ctl-restart');
  await applyObjects(kube, [
    service(ns, 'web'),
    service(ns, 'web-v1'),
    endpointSlice(ns, 'web-v1', ['10.4.0.1']),
    httpRoute(ns, 'route', 'web', 'web-v1'),
  ]);
});

after(async () => {
  await running?.controller.close();
  await kube.stop();
});

test('watches resume after an API server restart; no status is rewritten', { timeout: 120_000 }, async () => {
  assert.ok(kube.restartApiServer);
  // A lease longer than the restart, so leadership (and its status writes) is not what is tested.
  running = await runController(kube, { identity: 'replica-a', leaseNamespace: ns, leaseDurationMs: 30_000, renewPeriodMs: 1000 });
  const r = running;
  await eventually('the route in the config', () => hasProducerRoute(r.latest(), ns, 'web'));
  await eventually('its status', async () => condition(ourParent(await getHttpRoute(kube, ns, 'route')), 'Accepted'));
  await sleep(300);
  const writes = await r.statusWrites();
  const before = await getHttpRoute(kube, ns, 'route');

  await kube.restartApiServer();
  await applyObjects(kube, [service(ns, 'after-restart')]);
  await eventually(
    'a Service created after the restart',
    () => r.latest()?.ir.services.some((s) => s.ref.namespace === ns && s.ref.name === 'after-restart'),
    30_000,
  );
  await sleep(500);
  assert.equal(await r.statusWrites(), writes, 'no status write after the restart');
  assert.equal((await getHttpRoute(kube, ns, 'route')).metadata.resourceVersion, before.metadata.resourceVersion);
  // An API server just back may shed load (429) for a moment; every watch must get through.
  await eventually('every watch is back without a problem', () => r.controller.problems().length === 0, 30_000);
  assert.equal(await r.statusWrites(), writes, 'still no status write');
});
