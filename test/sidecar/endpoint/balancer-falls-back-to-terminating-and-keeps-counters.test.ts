// Eligibility follows Kubernetes: ready endpoints, else serving terminating ones, else none (503);
// an endpoint update keeps the in-flight counts of the endpoints that stay.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Balancer } from '../../../sidecar/endpoint/balancer.js';
import type { EndpointIR } from '../../../src/ir/index.js';

function ep(address: string, extra: Partial<EndpointIR> = {}): EndpointIR {
  return { address, port: 8080, ready: true, serving: true, terminating: false, ...extra };
}

const terminating = { ready: false, serving: true, terminating: true };

test('only ready endpoints take traffic while any is ready', () => {
  const b = new Balancer([ep('10.0.0.1', terminating), ep('10.0.0.2'), ep('10.0.0.3', { ready: false, serving: false })], { random: Math.random });
  assert.equal(b.eligibleCount, 1);
  for (let i = 0; i < 20; i++) assert.equal(b.pick()?.endpoint.address, '10.0.0.2');
});

test('with no ready endpoint, serving terminating endpoints take traffic', () => {
  const b = new Balancer(
    [ep('10.0.0.1', terminating), ep('10.0.0.2', { ready: false, serving: false, terminating: true }), ep('10.0.0.3', { ready: false, serving: false })],
    { random: Math.random },
  );
  assert.equal(b.eligibleCount, 1);
  assert.equal(b.pick()?.endpoint.address, '10.0.0.1');
});

test('no eligible endpoint: pick returns undefined', () => {
  const b = new Balancer([ep('10.0.0.1', { ready: false, serving: false, terminating: true })], { random: Math.random });
  assert.equal(b.pick(), undefined);
  assert.equal(new Balancer([], { random: Math.random }).pick(), undefined);
});

test('update keeps the counters of endpoints that stay and drops the others', () => {
  const b = new Balancer([ep('10.0.0.1'), ep('10.0.0.2')], { algorithm: 'round-robin', random: Math.random });
  const one = b.pick();
  const two = b.pick();
  assert.equal(one?.endpoint.address, '10.0.0.1');
  assert.equal(two?.endpoint.address, '10.0.0.2');

  b.update([ep('10.0.0.1', { zone: 'a' }), ep('10.0.0.3')]);
  assert.equal(b.inFlight('10.0.0.1:8080'), 1, 'kept');
  assert.equal(b.inFlight('10.0.0.2:8080'), 0, 'gone');
  assert.equal(b.inFlight('10.0.0.3:8080'), 0, 'new');
  // A lease on a removed endpoint still releases without touching the new set.
  two.release();
  one.release();
  assert.equal(b.inFlight('10.0.0.1:8080'), 0);

  // The kept endpoint carries its new fields.
  const again = new Set<string | undefined>();
  for (let i = 0; i < 4; i++) again.add(b.pick()?.endpoint.zone ?? 'none');
  assert.deepEqual([...again].sort(), ['a', 'none']);
});

test('an endpoint that stops being ready leaves the rotation on update', () => {
  const b = new Balancer([ep('10.0.0.1'), ep('10.0.0.2')], { random: Math.random });
  b.update([ep('10.0.0.1', terminating), ep('10.0.0.2')]);
  for (let i = 0; i < 20; i++) assert.equal(b.pick()?.endpoint.address, '10.0.0.2');
});
