import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseWrkLatency, percentile } from '../../bench/stats.js';

test('percentile is nearest-rank over sorted values', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile([7], 99.9), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('durations accept s, ms, m and bare seconds; anything else is refused', () => {
  assert.equal(parseDuration('10s'), 10);
  assert.equal(parseDuration('10'), 10);
  assert.equal(parseDuration('500ms'), 0.5);
  assert.equal(parseDuration('1.5m'), 90);
  assert.throws(() => parseDuration('ten seconds'), /not a duration/);
});

test('wrk latencies are converted to ms', () => {
  assert.equal(parseWrkLatency('607.00us'), 0.607);
  assert.equal(parseWrkLatency('1.29ms'), 1.29);
  assert.equal(parseWrkLatency('2.00s'), 2000);
  assert.ok(Number.isNaN(parseWrkLatency('fast')));
});
