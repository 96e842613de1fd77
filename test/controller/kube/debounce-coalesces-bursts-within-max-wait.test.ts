// The debouncer runs once per burst: after the quiet time, or at the latest maxMs after the
// burst's first event; it reports when that first event happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Debouncer } from '../../../src/controller/kube/debounce.js';

test('a burst of events gives one run, after the quiet time, with the first event time', async () => {
  const runs: number[] = [];
  const debouncer = new Debouncer({ quietMs: 40, maxMs: 1000, run: (first) => runs.push(first) });
  const first = performance.now();
  for (let i = 0; i < 5; i++) {
    debouncer.trigger();
    await sleep(5);
  }
  assert.equal(runs.length, 0);
  await sleep(80);
  assert.equal(runs.length, 1);
  assert.ok(Math.abs((runs[0] ?? 0) - first) < 5, 'changedAt is the first event of the burst');
  debouncer.cancel();
});

test('events that never stop still run at maxMs after the first', async () => {
  const runs: number[] = [];
  const debouncer = new Debouncer({ quietMs: 30, maxMs: 120, run: (first) => runs.push(first) });
  const started = performance.now();
  while (performance.now() - started < 300) {
    debouncer.trigger();
    await sleep(10);
  }
  debouncer.cancel();
  assert.ok(runs.length >= 2 && runs.length <= 3, `runs: ${runs.length}`);
});

test('flush runs at once; cancel drops the pending run', async () => {
  const runs: number[] = [];
  const debouncer = new Debouncer({ quietMs: 20, maxMs: 100, run: (first) => runs.push(first) });
  debouncer.trigger();
  assert.equal(debouncer.pending, true);
  debouncer.flush();
  assert.equal(runs.length, 1);
  debouncer.trigger();
  debouncer.cancel();
  await sleep(40);
  assert.equal(runs.length, 1);
  debouncer.flush();
  assert.equal(runs.length, 1, 'nothing pending, nothing run');
});
