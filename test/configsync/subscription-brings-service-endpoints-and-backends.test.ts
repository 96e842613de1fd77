// Subscribing to a destination brings what the proxy needs to route to it: the destination's
// answer, the Service (with only the route tables that apply to the proxy's namespace), its
// endpoints, and the Services and endpoints its routes send to (backends and mirrors).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceIR } from '../../src/ir/index.js';
import { body, configFrom, names, shopYaml, withServer } from './configsync-fixture.js';

test('subscribing to a ClusterIP brings the Service, its endpoints and its backends', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const proxy = connect('web');
    proxy.ack(await proxy.nextDelta());
    proxy.send({ subscribe: { destinations: ['ip:10.96.0.10'] } });
    const delta = await proxy.nextDelta();
    assert.deepEqual(names(delta), [
      'destination/ip:10.96.0.10',
      'endpoints/shop/audit',
      'endpoints/shop/cart',
      'endpoints/shop/cart-v1',
      'endpoints/shop/cart-v2',
      'service/shop/audit',
      'service/shop/cart',
      'service/shop/cart-v1',
      'service/shop/cart-v2',
    ]);
    assert.deepEqual(body(delta, 'destination/ip:10.96.0.10'), { services: ['shop/cart'] });
    const cart = body(delta, 'service/shop/cart') as ServiceIR;
    const [port] = cart.ports;
    assert.ok(port?.producer, 'the producer table applies to every client');
    assert.deepEqual(port.consumers.map((c) => c.namespace), ['web'], 'batch\'s consumer routes are not sent to web');
    const endpoints = body(delta, 'endpoints/shop/cart-v2') as { ports: { endpoints: { address: string }[] }[] };
    assert.equal(endpoints.ports[0]?.endpoints[0]?.address, '10.244.0.12');
    for (const r of delta.resources) assert.match(r.version, /^[0-9a-f]{16}$/);
  });
});

test('a proxy in another namespace gets its own consumer routes and their backends only', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const proxy = connect('batch', { subscriptions: ['ip:10.96.0.10'] });
    const delta = await proxy.nextDelta();
    assert.ok(names(delta).includes('service/shop/cart-v3'));
    assert.ok(!names(delta).includes('service/shop/cart-v2'));
    assert.ok(!names(delta).includes('service/shop/audit'));
    const cart = body(delta, 'service/shop/cart') as ServiceIR;
    assert.deepEqual(cart.ports[0]?.consumers.map((c) => c.namespace), ['batch']);
  });
});

test('host names resolve from the proxy namespace like a pod resolver would', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const inShop = connect('shop', { subscriptions: ['host:cart', 'host:cart.shop', 'host:cart.shop.svc', 'host:cart.shop.svc.cluster.local', 'host:frontend'] });
    const delta = await inShop.nextDelta();
    for (const host of ['cart', 'cart.shop', 'cart.shop.svc', 'cart.shop.svc.cluster.local']) {
      assert.deepEqual(body(delta, `destination/host:${host}`), { services: ['shop/cart'] }, host);
    }
    assert.deepEqual(body(delta, 'destination/host:frontend'), { services: [] }, 'a short name is looked up in the proxy namespace only');
    const inWeb = connect('web', { subscriptions: ['host:frontend', 'host:cart'] });
    const fromWeb = await inWeb.nextDelta();
    assert.deepEqual(body(fromWeb, 'destination/host:frontend'), { services: ['web/frontend'] });
    assert.deepEqual(body(fromWeb, 'destination/host:cart'), { services: [] });
  });
});

test('an unknown destination is answered with no services', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const proxy = connect('web');
    proxy.ack(await proxy.nextDelta());
    proxy.send({ subscribe: { destinations: ['ip:192.0.2.7', 'host:example.com', 'bogus'] } });
    const delta = await proxy.nextDelta();
    assert.deepEqual(names(delta), ['destination/bogus', 'destination/host:example.com', 'destination/ip:192.0.2.7']);
    for (const name of names(delta)) assert.deepEqual(body(delta, name), { services: [] });
  });
});

test('inbound resolves to the Services whose endpoints are the proxy pod', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const proxy = connect('web', { subscriptions: ['inbound'] }, ['10.244.1.10', 'fd00::1']);
    const delta = await proxy.nextDelta();
    assert.deepEqual(body(delta, 'destination/inbound'), { services: ['web/frontend'] });
    assert.deepEqual(names(delta), ['destination/inbound', 'endpoints/web/frontend', 'service/web/frontend']);
  });
});

test('a subscription made while a delta is in flight is answered right after the ACK', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const proxy = connect('web');
    const first = await proxy.nextDelta();
    proxy.send({ subscribe: { destinations: ['ip:10.96.0.14'] } });
    await proxy.noDelta(100);
    proxy.ack(first);
    const answer = await proxy.nextDelta();
    assert.deepEqual(body(answer, 'destination/ip:10.96.0.14'), { services: ['shop/audit'] });
    proxy.ack(answer);
    // Subscribing again to what it has still gets an (empty) answer: the proxy may be waiting on it.
    proxy.send({ subscribe: { destinations: ['ip:10.96.0.14'] } });
    const again = await proxy.nextDelta();
    assert.deepEqual(again.resources, []);
    assert.deepEqual(again.removed, []);
    assert.equal(await t.metric('sidelane_configsync_subscriptions'), 1);
  });
});
