import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixedRateResult, ThroughputResult } from '../../bench/load.js';
import { evaluateTargets, formatTable, type BenchReport, type TargetResult } from '../../bench/report.js';

const MB = 1024 * 1024;
const rps = (requestsPerSecond: number, errors = 0): ThroughputResult => ({
  requestsPerSecond,
  requests: requestsPerSecond * 10,
  latencyMs: {},
  errors,
  errorDetail: errors > 0 ? `Non-2xx or 3xx responses: ${errors}` : '',
});
const fixed = (p50: number, p99: number): FixedRateResult => ({
  rate: 1000, durationSeconds: 10, sent: 10000, completed: 10000, errors: 0, p50, p90: p99, p99, p999: p99, max: p99, maxLagMs: 1,
});

function results(sidelaneRps: number, sidelaneP99: number, rss: number, errors = 0): TargetResult[] {
  return [
    { name: 'direct', h1: rps(60000), h2c: rps(40000), fixedRate: fixed(0.2, 0.5), failures: [] },
    { name: 'sidelane', h1: rps(sidelaneRps, errors), h2c: rps(8000), fixedRate: fixed(0.4, sidelaneP99), rssFixedRate: rss, cpuH1: 1, failures: [] },
    { name: 'nginx', h1: rps(30000), h2c: rps(20000), fixedRate: fixed(0.3, 0.7), rssFixedRate: 10 * MB, cpuH1: 1, failures: [] },
  ];
}

test('targets pass when Sidelane reaches half of nginx, adds ≤ 1 ms p99 and stays within 80 MB', () => {
  const targets = evaluateTargets(results(15000, 1.5, 70 * MB), 1000);
  assert.deepEqual(targets.map((t) => t.passed), [true, true, true]);
  assert.match(targets[0]?.detail ?? '', /50% of nginx/);
  assert.match(targets[1]?.detail ?? '', /1\.00 ms/);
});

test('targets fail below half of nginx, above 1 ms added p99, above 80 MB, or with errors', () => {
  assert.deepEqual(evaluateTargets(results(14000, 1.6, 81 * MB), 1000).map((t) => t.passed), [false, false, false]);
  assert.equal(evaluateTargets(results(20000, 0.5, MB, 3), 1000)[0]?.passed, false);
});

test('a missing measurement fails its target instead of passing it', () => {
  const targets = evaluateTargets([{ name: 'sidelane', failures: ['did not start'] }], 1000);
  assert.deepEqual(targets.map((t) => t.passed), [false, false, false]);
});

test('the table shows ratios to nginx, added latency over direct, and marks errors', () => {
  const report: BenchReport = {
    date: '2026-01-01T00:00:00Z',
    machine: { cpus: 2, loadAverageAtStart: [0, 0, 0] },
    versions: {},
    method: { rate: 1000 },
    results: results(15000, 1.5, 70 * MB, 2),
    targets: [],
  };
  report.targets = evaluateTargets(report.results, 1000);
  const table = formatTable(report);
  const sidelane = table.split('\n').find((l) => l.startsWith('| sidelane')) ?? '';
  assert.match(sidelane, /15,000 !/);
  assert.match(sidelane, /50%/);
  assert.match(sidelane, /0\.20 ms \/ 1\.00 ms/);
  assert.match(sidelane, /70 MB/);
  assert.match(table, /FAIL {2}Sidelane HTTP\/1\.1 throughput/);
  assert.match(table, /sidelane HTTP\/1\.1: Non-2xx or 3xx responses: 2/);
});
