// Resource names, bodies and destination spellings both ends of the stream rely on: one spelling
// per IP address (IPv4-mapped IPv6 included), host names lowercased without the trailing dot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bodyVersion,
  canonicalIp,
  decodeBody,
  destinationResourceName,
  encodeBody,
  endpointsResourceName,
  hostDestination,
  ipDestination,
  parseDestination,
  parseResourceName,
  serviceResourceName,
} from '../../src/configsync/resources.js';

test('IP destinations use one spelling per address', () => {
  const rows: [string, string][] = [
    ['10.96.0.10', 'ip:10.96.0.10'],
    ['010.096.000.010', 'ip:10.96.0.10'],
    ['::ffff:10.96.0.10', 'ip:10.96.0.10'],
    ['::FFFF:0a60:000a', 'ip:10.96.0.10'],
    ['FD00:0:0::0A', 'ip:fd00::a'],
    ['[2001:db8::1]', 'ip:2001:db8::1'],
  ];
  for (const [input, want] of rows) assert.equal(ipDestination(input), want, input);
  assert.equal(canonicalIp('256.1.1.1'), undefined);
  assert.equal(canonicalIp('cart'), undefined);
});

test('host destinations are lowercased without the trailing dot; IP literals are IP destinations', () => {
  assert.equal(hostDestination('Cart.Shop.svc.cluster.local.'), 'host:cart.shop.svc.cluster.local');
  assert.equal(hostDestination('cart'), 'host:cart');
  assert.equal(hostDestination('10.96.0.10'), 'ip:10.96.0.10');
  assert.deepEqual(parseDestination('host:CART.'), { kind: 'host', host: 'cart' });
  assert.deepEqual(parseDestination('ip:::ffff:10.0.0.1'), { kind: 'ip', ip: '10.0.0.1' });
  assert.deepEqual(parseDestination('inbound'), { kind: 'inbound' });
  assert.equal(parseDestination('ip:nonsense'), undefined);
  assert.equal(parseDestination('host:'), undefined);
  assert.equal(parseDestination('dns:cart'), undefined);
});

test('resource names round-trip through parseResourceName', () => {
  const ref = { namespace: 'shop', name: 'cart' };
  assert.equal(serviceResourceName(ref), 'service/shop/cart');
  assert.equal(endpointsResourceName(ref), 'endpoints/shop/cart');
  assert.deepEqual(parseResourceName(serviceResourceName(ref)), { kind: 'service', key: 'shop/cart' });
  assert.deepEqual(parseResourceName(endpointsResourceName(ref)), { kind: 'endpoints', key: 'shop/cart' });
  assert.deepEqual(parseResourceName(destinationResourceName('ip:10.0.0.1')), { kind: 'destination', key: 'ip:10.0.0.1' });
  assert.deepEqual(parseResourceName('destination/inbound'), { kind: 'destination', key: 'inbound' });
  for (const bad of ['service/shop', 'service/a/b/c', 'endpoints/', 'destination/', 'route/a/b', 'service']) {
    assert.equal(parseResourceName(bad), undefined, bad);
  }
});

test('bodies are canonical JSON, so equal values have equal versions', () => {
  const a = encodeBody({ b: 1, a: [1, 2] });
  const b = encodeBody({ a: [1, 2], b: 1 });
  assert.equal(a.toString('utf8'), '{"a":[1,2],"b":1}');
  assert.equal(bodyVersion(a), bodyVersion(b));
  assert.match(bodyVersion(a), /^[0-9a-f]{16}$/);
  assert.notEqual(bodyVersion(a), bodyVersion(encodeBody({ a: [1, 2], b: 2 })));
  assert.deepEqual(decodeBody(new Uint8Array(a)), { a: [1, 2], b: 1 });
});
