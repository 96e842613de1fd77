// Per-proxy views share their encoded bodies: a Service's body is made once per client namespace,
// endpoints once per version, whatever the number of proxies asking.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MeshView } from '../../src/configsync/views.js';
import { configFrom, shopYaml } from './configsync-fixture.js';

test('proxies share encoded bodies per namespace (Services) and per version (endpoints)', () => {
  const config = configFrom(shopYaml());
  const view = new MeshView(config.ir, config.version);
  const web1 = view.desired({ namespace: 'web', podIps: ['10.244.1.10'] }, ['ip:10.96.0.10', 'inbound']);
  const web2 = view.desired({ namespace: 'web', podIps: ['10.244.1.11'] }, ['host:cart.shop']);
  const batch = view.desired({ namespace: 'batch', podIps: [] }, ['ip:10.96.0.10']);
  assert.equal(web1.get('service/shop/cart')?.body, web2.get('service/shop/cart')?.body);
  assert.equal(web1.get('endpoints/shop/cart')?.body, batch.get('endpoints/shop/cart')?.body);
  assert.notEqual(web1.get('service/shop/cart')?.version, batch.get('service/shop/cart')?.version);
  // A Service without consumer routes looks the same from every namespace.
  assert.equal(web1.get('service/shop/cart-v1')?.version, batch.get('service/shop/cart-v1')?.version);
});

test('a thousand proxies with twenty destinations each are computed from the cache', () => {
  const config = configFrom(shopYaml());
  const view = new MeshView(config.ir, config.version);
  const destinations = [
    'ip:10.96.0.10', 'ip:10.96.0.11', 'ip:10.96.0.12', 'ip:10.96.0.13', 'ip:10.96.0.14', 'ip:10.96.1.10',
    'host:cart.shop', 'host:cart-v1.shop', 'host:cart-v2.shop', 'host:audit.shop', 'host:frontend.web',
    ...Array.from({ length: 9 }, (_, i) => `host:external-${i}.example.com`),
  ];
  let resources = 0;
  for (let i = 0; i < 1000; i++) {
    const namespace = ['web', 'batch', 'shop'][i % 3] ?? 'web';
    resources += view.desired({ namespace, podIps: [`10.244.9.${i % 250}`] }, destinations).size;
  }
  assert.ok(resources > 20_000);
});
