// The API server ends every watch after its timeout; the informer must resume it (from the last
// resourceVersion) so later changes still arrive, without reporting a problem.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyObjects, sharedKube, uniqueNamespace, type KubeEnv } from '../../support/kube.js';
import { Informer } from '../../../src/controller/kube/informers.js';
import { KubeHttp } from '../../../src/controller/kube/kube-http.js';
import { eventually, service } from './kube-controller-fixture.js';

let kube: KubeEnv;
let ns: string;

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'informer');
  await applyObjects(kube, [service(ns, 'first')]);
});

after(async () => {
  await kube.stop();
});

test('a watch closed by the server is resumed', { timeout: 60_000 }, async () => {
  const seen: string[] = [];
  const events: string[] = [];
  let synced = 0;
  const informer = new Informer({
    kubeConfig: kube.kubeConfig,
    http: new KubeHttp(kube.kubeConfig),
    log: pino({ level: process.env.SIDELANE_TEST_LOG ?? 'silent' }),
    resource: { kind: 'Service', apiVersion: 'v1', plural: 'services', namespaced: true },
    namespace: ns,
    watchTimeoutSeconds: [1, 1],
    onChange: (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
    onSynced: () => (synced += 1),
    onWatchEvent: (type) => events.push(type),
  });
  informer.start();
  try {
    await eventually('synced', () => informer.synced);
    assert.deepEqual(seen, ['add first']);
    const listed = informer.list()[0];
    assert.equal(listed?.apiVersion, 'v1', 'list items get their apiVersion');
    assert.equal(listed.kind, 'Service');
    assert.equal(listed.metadata['managedFields'], undefined, 'managedFields are dropped');

    await sleep(2500); // at least two server-side watch timeouts
    await applyObjects(kube, [service(ns, 'second')]);
    await eventually('the later Service', () => seen.includes('add second'));
    const second = informer.get('second', ns);
    assert.equal(second?.metadata['managedFields'], undefined);
    assert.equal(informer.problem, undefined);
    assert.equal(synced, 1);
    assert.equal(seen.filter((s) => s === 'add first').length, 1, 'resuming did not relist');
  } finally {
    await informer.stop();
  }
});
