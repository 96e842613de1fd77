// Push latency runs from a version's first change to the last answer of the proxies it was pushed
// to; a version nobody needs is not observed. close() ends every stream with UNAVAILABLE so
// proxies reconnect to another replica.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { configFrom, RawProxy, hello, shopYaml, startServer, withServer } from './configsync-fixture.js';

const COUNT = 'sidelane_configsync_push_latency_seconds_count';

test('push latency is observed when the last affected proxy answers', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const web = connect('web', { subscriptions: ['ip:10.96.0.10'] });
    const batch = connect('batch', { subscriptions: ['ip:10.96.0.10'] });
    const idle = connect('shop');
    web.ack(await web.nextDelta());
    batch.ack(await batch.nextDelta());
    idle.ack(await idle.nextDelta());
    assert.equal(await t.metric(COUNT), 0, 'the first publish had no changedAt');

    const changedAt = performance.now() - 50;
    t.server.publish(configFrom(shopYaml({ cartV1Endpoint: '10.244.0.21' }), changedAt));
    const webDelta = await web.nextDelta();
    const batchDelta = await batch.nextDelta();
    await idle.noDelta(50);
    web.ack(webDelta);
    await web.noDelta(100);
    assert.equal(await t.metric(COUNT), 0, 'batch has not answered yet');
    batch.send({ nack: { nonce: batchDelta.nonce, reason: 'test', version: '' } });
    await batch.noDelta(100);
    assert.equal(await t.metric(COUNT), 1);
    assert.ok((await t.metric('sidelane_configsync_push_latency_seconds_sum')) >= 0.05);

    // Only batch's routes change: web and the idle proxy are not waited for.
    t.server.publish(configFrom(shopYaml({ cartV1Endpoint: '10.244.0.21', batchBackend: 'cart-v2' }), performance.now()));
    batch.ack(await batch.nextDelta());
    await batch.noDelta(100);
    assert.equal(await t.metric(COUNT), 2);

    // A version that changes nothing any proxy holds (cart-v3 is nobody's backend now) is not observed.
    const unused = shopYaml({ cartV1Endpoint: '10.244.0.21', batchBackend: 'cart-v2' }).replace('10.244.0.13', '10.244.0.43');
    t.server.publish(configFrom(unused, performance.now()));
    await batch.noDelta(100);
    assert.equal(await t.metric(COUNT), 2);
  });
});

test('close ends every stream with UNAVAILABLE', async () => {
  const t = await startServer();
  const proxy = new RawProxy(t.port);
  try {
    t.server.publish(configFrom(shopYaml()));
    proxy.send(hello('web'));
    await proxy.nextDelta();
    await t.close();
    const status = await proxy.status;
    assert.equal(status.code, grpc.status.UNAVAILABLE);
    assert.equal(t.server.connectedProxies(), 0);
  } finally {
    proxy.close();
    await t.close();
  }
});
