// Two replicas on one Lease: both translate, only the leader writes route status; closing the
// leader releases the Lease and the other replica takes over within a few seconds and writes.
// A Lease left behind by a replica that died (never released) is taken over once it expires.
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
const replicas: RunningController[] = [];

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'ctl-lease');
  await applyObjects(kube, [service(ns, 'web'), service(ns, 'web-v1'), endpointSlice(ns, 'web-v1', ['10.2.0.1'])]);
});

after(async () => {
  await Promise.all(replicas.map((r) => r.controller.close()));
  await kube.stop();
});

test('only the leader writes; closing it hands over quickly', { timeout: 60_000 }, async () => {
  const a = await runController(kube, { identity: 'replica-a', leaseNamespace: ns, leaseName: 'mesh' });
  replicas.push(a);
  await eventually('replica-a leads', () => a.controller.isLeader());
  const b = await runController(kube, { identity: 'replica-b', leaseNamespace: ns, leaseName: 'mesh' });
  replicas.push(b);
  await eventually('both ready', () => a.controller.ready() && b.controller.ready());

  await applyObjects(kube, [httpRoute(ns, 'one', 'web', 'web-v1')]);
  await eventually('both publish the route', () => hasProducerRoute(a.latest(), ns, 'web') && hasProducerRoute(b.latest(), ns, 'web'));
  await eventually('status written', async () => condition(ourParent(await getHttpRoute(kube, ns, 'one')), 'Accepted'));
  await sleep(300);
  assert.equal(b.controller.isLeader(), false);
  assert.ok((await a.statusWrites()) >= 1);
  assert.equal(await b.statusWrites(), 0, 'the follower wrote nothing');

  const lease = (await new KubeHttp(kube.kubeConfig).get(objectPath('coordination.k8s.io/v1', 'leases', ns, 'mesh'))) as {
    spec: { holderIdentity: string; leaseDurationSeconds: number };
  };
  assert.equal(lease.spec.holderIdentity, 'replica-a');
  assert.equal(lease.spec.leaseDurationSeconds, 2);

  const closedAt = performance.now();
  replicas.shift();
  await a.controller.close();
  await eventually('replica-b takes over', () => b.controller.isLeader(), 5000);
  assert.ok(performance.now() - closedAt < 3000, `handover took ${Math.round(performance.now() - closedAt)} ms`);

  // The new leader writes: a second route gets its status from replica-b.
  await applyObjects(kube, [httpRoute(ns, 'two', 'web', 'web-v1')]);
  await eventually('status of the second route', async () => condition(ourParent(await getHttpRoute(kube, ns, 'two')), 'Accepted'));
  assert.ok((await b.statusWrites()) >= 1);
});

test('the lease of a holder that stopped renewing is taken over after it expires', { timeout: 60_000 }, async () => {
  const http = new KubeHttp(kube.kubeConfig);
  await http.request('POST', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, {
    body: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'crashed', namespace: ns },
      spec: { holderIdentity: 'ghost', leaseDurationSeconds: 2, renewTime: new Date().toISOString().replace('Z', '000Z'), leaseTransitions: 3 },
    },
  });
  const started = performance.now();
  const c = await runController(kube, { identity: 'replica-c', leaseNamespace: ns, leaseName: 'crashed' });
  replicas.push(c);
  await sleep(1000);
  assert.equal(c.controller.isLeader(), false, 'not before the lease expires');
  await eventually('replica-c takes over', () => c.controller.isLeader(), 10_000);
  assert.ok(performance.now() - started >= 1900);
  const lease = (await http.get(objectPath('coordination.k8s.io/v1', 'leases', ns, 'crashed'))) as {
    spec: { holderIdentity: string; leaseTransitions: number };
  };
  assert.equal(lease.spec.holderIdentity, 'replica-c');
  assert.equal(lease.spec.leaseTransitions, 4);
});
