// Retry delays double from the base up to the cap, each between half and all of its step, and
// start over after a success.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../../src/controller/kube/backoff.js';

test('delays double up to the cap and reset after success', () => {
  const highest = new Backoff({ baseMs: 200, capMs: 10_000, random: () => 0.999999 });
  assert.deepEqual(Array.from({ length: 8 }, () => highest.next()), [200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
  highest.reset();
  assert.equal(highest.next(), 200);
  const lowest = new Backoff({ baseMs: 200, capMs: 10_000, random: () => 0 });
  assert.deepEqual([lowest.next(), lowest.next(), lowest.next()], [100, 200, 400]);
});
