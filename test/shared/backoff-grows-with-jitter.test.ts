// Backoff delays: full jitter in [0, ceiling), equal jitter in [ceiling/2, ceiling], back to base after reset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from '../../src/shared/backoff.js';

test('the ceiling doubles from base up to max; the delay is a random fraction of it', () => {
  const top = new Backoff({ baseMs: 200, maxMs: 10_000, random: () => 0.999999 });
  assert.deepEqual(Array.from({ length: 8 }, () => top.next()), [199, 399, 799, 1599, 3199, 6399, 9999, 9999]);
  const none = new Backoff({ random: () => 0 });
  assert.equal(none.next(), 0);
  const half = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.5 });
  assert.deepEqual([half.next(), half.next(), half.next()], [50, 100, 200]);
});

test('reset starts over from base', () => {
  const backoff = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.5 });
  for (let i = 0; i < 20; i++) backoff.next();
  assert.equal(backoff.next(), 500);
  backoff.reset();
  assert.equal(backoff.next(), 50);
});

test('with the default random, delays stay within their ceilings', () => {
  const backoff = new Backoff({ baseMs: 10, maxMs: 80 });
  const ceilings = [10, 20, 40, 80, 80, 80];
  for (const ceiling of ceilings) {
    const delay = backoff.next();
    assert.ok(delay >= 0 && delay < ceiling, `${delay} within [0, ${ceiling})`);
  }
});

test('equal jitter keeps at least half of the ceiling, so a retry loop is never tight', () => {
  const lowest = new Backoff({ baseMs: 200, maxMs: 10_000, jitter: 'equal', random: () => 0 });
  assert.deepEqual(Array.from({ length: 8 }, () => lowest.next()), [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  const highest = new Backoff({ baseMs: 200, maxMs: 10_000, jitter: 'equal', random: () => 1 });
  assert.deepEqual(Array.from({ length: 3 }, () => highest.next()), [200, 400, 800]);
});
