// A proxy that reconnects (to this or another replica) says what it holds and what it subscribed
// to; it is sent only what differs. Unsubscribing drops the resources nothing else needs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Delta } from '../../src/configsync/proto.js';
import { configFrom, names, RawProxy, hello, shopYaml, startServer, withServer } from './configsync-fixture.js';

function versions(delta: Delta): Record<string, string> {
  return Object.fromEntries(delta.resources.map((r) => [r.name, r.version]));
}

test('a reconnect to another replica with the same IR costs one empty delta', async () => {
  const config = configFrom(shopYaml());
  let held: Record<string, string> = {};
  await withServer(async (t, connect) => {
    t.server.publish(config);
    const proxy = connect('web', { subscriptions: ['ip:10.96.0.10', 'inbound'] }, ['10.244.1.10']);
    const delta = await proxy.nextDelta();
    proxy.ack(delta);
    held = versions(delta);
  });
  const other = await startServer({ replica: 'replica-b' });
  const proxy = new RawProxy(other.port);
  try {
    other.server.publish(config);
    proxy.send(hello('web', { subscriptions: ['ip:10.96.0.10', 'inbound'], resourceVersions: { ...held, 'service/shop/gone': 'abc' } }, ['10.244.1.10']));
    const delta = await proxy.nextDelta();
    assert.equal(delta.version, config.version);
    assert.equal(delta.controller, 'replica-b');
    assert.deepEqual(delta.resources, []);
    assert.deepEqual(delta.removed, ['service/shop/gone'], 'what it holds but needs no more is dropped');
  } finally {
    proxy.close();
    await other.close();
  }
});

test('a reconnect after a change gets only what changed', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const first = connect('web', { subscriptions: ['ip:10.96.0.10'] });
    const delta = await first.nextDelta();
    first.ack(delta);
    first.close();
    t.server.publish(configFrom(shopYaml({ cartV1Endpoint: '10.244.0.21' })));
    const again = connect('web', { subscriptions: ['ip:10.96.0.10'], resourceVersions: versions(delta) });
    assert.deepEqual(names(await again.nextDelta()), ['endpoints/shop/cart-v1']);
  });
});

test('unsubscribing removes the resources no other subscription needs', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const proxy = connect('web', { subscriptions: ['ip:10.96.0.10', 'ip:10.96.0.14'] });
    proxy.ack(await proxy.nextDelta());
    proxy.send({ unsubscribe: { destinations: ['ip:10.96.0.10'] } });
    const delta = await proxy.nextDelta();
    assert.deepEqual(delta.resources, []);
    // audit stays: ip:10.96.0.14 is still subscribed.
    assert.deepEqual(delta.removed, [
      'destination/ip:10.96.0.10',
      'endpoints/shop/cart',
      'endpoints/shop/cart-v1',
      'endpoints/shop/cart-v2',
      'service/shop/cart',
      'service/shop/cart-v1',
      'service/shop/cart-v2',
    ]);
    proxy.ack(delta);
    await proxy.noDelta();
    assert.equal(await t.metric('sidelane_configsync_subscriptions'), 1);
  });
});
