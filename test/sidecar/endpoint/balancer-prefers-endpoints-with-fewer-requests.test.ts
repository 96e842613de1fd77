// Power-of-two-choices sends the next request to the less busy of two random endpoints, round-robin
// cycles, a retry can avoid the endpoint that just failed, and leases release exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Balancer, endpointKey, type Lease } from '../../../sidecar/endpoint/balancer.js';
import type { EndpointIR } from '../../../src/ir/index.js';

/** mulberry32: a small seeded generator, so every run picks the same way. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns the given values in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] as number;
}

function ep(address: string, extra: Partial<EndpointIR> = {}): EndpointIR {
  return { address, port: 8080, ready: true, serving: true, terminating: false, ...extra };
}

test('p2c picks the candidate with fewer requests in flight', () => {
  const endpoints = [ep('10.0.0.1'), ep('10.0.0.2')];
  // 0.0 → candidate index 0, then 0.0 → index 0 of the remaining one → 10.0.0.2.
  const b = new Balancer(endpoints, { random: sequence(0, 0) });
  const first = b.pick();
  assert.equal(first?.endpoint.address, '10.0.0.1', 'tie: the first candidate wins');
  const second = b.pick();
  assert.equal(second?.endpoint.address, '10.0.0.2', '10.0.0.1 is busy now');
  assert.equal(b.inFlight('10.0.0.1:8080'), 1);
  assert.equal(b.inFlight('10.0.0.2:8080'), 1);
});

test('p2c over many requests keeps busy endpoints from getting more', () => {
  const endpoints = [ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3'), ep('10.0.0.4')];
  const b = new Balancer(endpoints, { random: seeded(7) });
  // A slow endpoint holds its requests; the others answer at once.
  const held: Lease[] = [];
  const counts = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const lease = b.pick();
    assert.ok(lease);
    counts.set(lease.endpoint.address, (counts.get(lease.endpoint.address) ?? 0) + 1);
    if (lease.endpoint.address === '10.0.0.1') held.push(lease);
    else lease.release();
  }
  // Once the slow endpoint has a request in flight it loses every comparison it is part of.
  assert.ok((counts.get('10.0.0.1') ?? 0) <= 1);
  for (const a of ['10.0.0.2', '10.0.0.3', '10.0.0.4']) assert.ok((counts.get(a) ?? 0) > 500, `${a} got ${counts.get(a)}`);
  for (const lease of held) lease.release();
  assert.equal(b.inFlight('10.0.0.1:8080'), 0);
});

test('the two p2c candidates are distinct even when the draws are equal', () => {
  // Draws 0.99, 0.99: index 1 of 2, then index 0 of the 1 left (the draw skips the first pick).
  const b = new Balancer([ep('10.0.0.1'), ep('10.0.0.2')], { random: sequence(0.99) });
  assert.equal(b.pick()?.endpoint.address, '10.0.0.2', 'tie: first candidate');
  assert.equal(b.pick()?.endpoint.address, '10.0.0.1', 'the other candidate was 10.0.0.1, now less busy');
  // A random source that returns 1 (out of contract) must not index past the end.
  const bad = new Balancer([ep('10.0.0.1'), ep('10.0.0.2')], { random: () => 1 });
  assert.ok(bad.pick());
});

test('round-robin cycles through the endpoints in order', () => {
  const b = new Balancer([ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3')], { algorithm: 'round-robin', random: () => 0 });
  const picked = Array.from({ length: 7 }, () => b.pick()?.endpoint.address);
  assert.deepEqual(picked, ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.1']);
});

test('a retry avoids the excluded endpoint, and ignores the exclusion when nothing else is left', () => {
  const endpoints = [ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.3')];
  for (const algorithm of ['p2c', 'round-robin'] as const) {
    const b = new Balancer(endpoints, { algorithm, random: seeded(3) });
    const failed = new Set(['10.0.0.2:8080']);
    for (let i = 0; i < 50; i++) {
      const lease = b.pick(failed);
      assert.notEqual(lease?.endpoint.address, '10.0.0.2', algorithm);
      lease?.release();
    }
    const all = new Set(endpoints.map(endpointKey));
    assert.ok(b.pick(all), `${algorithm}: every endpoint excluded still picks one`);
  }
  const single = new Balancer([ep('10.0.0.9')], { random: seeded(1) });
  assert.equal(single.pick(new Set(['10.0.0.9:8080']))?.endpoint.address, '10.0.0.9');
});

test('release is idempotent', () => {
  const b = new Balancer([ep('10.0.0.1')], { random: seeded(1) });
  const lease = b.pick();
  assert.ok(lease);
  b.pick();
  assert.equal(b.inFlight(lease.key), 2);
  lease.release();
  lease.release();
  assert.equal(b.inFlight(lease.key), 1);
});

test('endpoint keys bracket IPv6 addresses', () => {
  assert.equal(endpointKey({ address: '10.0.0.1', port: 80 }), '10.0.0.1:80');
  assert.equal(endpointKey({ address: 'fd00::1', port: 80 }), '[fd00::1]:80');
});
