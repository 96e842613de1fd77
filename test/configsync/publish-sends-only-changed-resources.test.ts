// A new IR version reaches a proxy as a delta of what changed for it: changed resources, names it
// must drop, nothing it already has; a change that does not concern it (another namespace's
// consumer routes) sends it nothing. One delta is in flight at a time: the next waits for the ACK.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceIR } from '../../src/ir/index.js';
import { body, configFrom, names, shopYaml, withServer } from './configsync-fixture.js';

test('a publish sends only changed resources and removes the ones gone', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const proxy = connect('web', { subscriptions: ['ip:10.96.0.10'] });
    proxy.ack(await proxy.nextDelta());

    const next = configFrom(shopYaml({ cartV1Endpoint: '10.244.0.21', webMirror: false }));
    t.server.publish(next);
    const delta = await proxy.nextDelta();
    assert.equal(delta.version, next.version);
    assert.deepEqual(names(delta), ['endpoints/shop/cart-v1', 'service/shop/cart']);
    assert.deepEqual(delta.removed, ['endpoints/shop/audit', 'service/shop/audit']);
    const cart = body(delta, 'service/shop/cart') as ServiceIR;
    assert.equal(cart.ports[0]?.consumers.length, 1);
  });
});

test('a change in another namespace\'s consumer routes sends nothing to this proxy', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const web = connect('web', { subscriptions: ['ip:10.96.0.10'] });
    const batch = connect('batch', { subscriptions: ['ip:10.96.0.10'] });
    web.ack(await web.nextDelta());
    batch.ack(await batch.nextDelta());

    t.server.publish(configFrom(shopYaml({ batchBackend: 'cart-v2' })));
    const delta = await batch.nextDelta();
    assert.deepEqual(delta.removed, ['endpoints/shop/cart-v3', 'service/shop/cart-v3']);
    assert.deepEqual(names(delta), ['endpoints/shop/cart-v2', 'service/shop/cart', 'service/shop/cart-v2']);
    await web.noDelta();
  });
});

test('changes published while a delta is in flight come in one delta after the ACK', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const proxy = connect('web', { subscriptions: ['ip:10.96.0.10'] });
    const first = await proxy.nextDelta();
    t.server.publish(configFrom(shopYaml({ cartV1Endpoint: '10.244.0.21' })));
    const latest = configFrom(shopYaml({ cartV1Endpoint: '10.244.0.22' }));
    t.server.publish(latest);
    await proxy.noDelta(100);
    proxy.ack(first);
    const delta = await proxy.nextDelta();
    assert.equal(delta.version, latest.version);
    assert.deepEqual(names(delta), ['endpoints/shop/cart-v1']);
    const endpoints = body(delta, 'endpoints/shop/cart-v1') as { ports: { endpoints: { address: string }[] }[] };
    assert.equal(endpoints.ports[0]?.endpoints[0]?.address, '10.244.0.22');
    proxy.ack(delta);
    await proxy.noDelta();
  });
});
