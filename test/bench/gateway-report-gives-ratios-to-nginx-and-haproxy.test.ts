import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGatewayTable, ratio, type GatewayReport, type GatewayResult } from '../../bench/gateway-report.js';
import type { ThroughputResult } from '../../bench/load.js';

const rps = (requestsPerSecond: number, errors = 0): ThroughputResult => ({
  requestsPerSecond,
  requests: requestsPerSecond * 10,
  latencyMs: { p50: 1, p99: 4 },
  errors,
  errorDetail: errors > 0 ? `Non-2xx or 3xx responses: ${errors}` : '',
});

const report = (results: GatewayResult[]): GatewayReport => ({ certificate: 'ECDSA P-256', method: {}, results });

/** The cells of the row of `name`, trimmed, without the leading and trailing pipe. */
function row(table: string, name: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`| ${name} `)) ?? '';
  return line.split('|').slice(1, -1).map((c) => c.trim());
}

test('each gateway row gives its throughput as a share of nginx and of haproxy, for keep-alive and new connections', () => {
  const table = formatGatewayTable(
    report([
      { name: 'nginx', keepAlive: rps(20000), handshakes: rps(2000), cpuKeepAlive: 1, cpuHandshakes: 1, rss: 20 * 1024 * 1024, tls: 'TLSv1.3 X', failures: [] },
      { name: 'haproxy', keepAlive: rps(25000), handshakes: rps(1000), cpuKeepAlive: 1, cpuHandshakes: 1, failures: [] },
      { name: 'sidelane', keepAlive: rps(5000), handshakes: rps(500), cpuKeepAlive: 0.5, cpuHandshakes: 1, failures: [] },
    ]),
  );
  // target, keep-alive, vs nginx, vs haproxy, p50/p99, CPU, per core, new conn, vs nginx, vs haproxy, CPU, RSS, TLS
  assert.deepEqual(row(table, 'sidelane'), ['sidelane', '5,000', '25%', '20%', '1.00 ms / 4.00 ms', '50%', '10,000', '500', '25%', '50%', '100%', 'n/a', 'n/a']);
  assert.deepEqual(row(table, 'nginx').slice(1, 4), ['20,000', '—', '80%']);
  assert.deepEqual(row(table, 'haproxy').slice(7, 10), ['1,000', '50%', '—']);
  assert.equal(row(table, 'nginx')[11], '20 MB');
  assert.match(table, /certificate: ECDSA P-256, the same for all three/);
  // Sidelane did not use its whole core: the load side was the limit, and the table says so.
  assert.match(table, /load-bound: sidelane used 50% of its core/);
});

test('a reference with errors or missing gives no ratio, and failures and errors are listed', () => {
  assert.ok(Number.isNaN(ratio(rps(100), rps(200, 3))));
  assert.ok(Number.isNaN(ratio(rps(100), undefined)));
  assert.equal(ratio(rps(100), rps(200)), 0.5);
  const table = formatGatewayTable(
    report([
      { name: 'nginx', keepAlive: rps(20000, 7), failures: [] },
      { name: 'haproxy', failures: ['did not start: haproxy exited'] },
      { name: 'sidelane', keepAlive: rps(5000), failures: [] },
    ]),
  );
  assert.deepEqual(row(table, 'sidelane').slice(1, 4), ['5,000', 'n/a', 'n/a']);
  assert.equal(row(table, 'nginx')[1], '20,000 !');
  assert.match(table, /nginx keep-alive: Non-2xx or 3xx responses: 7/);
  assert.match(table, /haproxy: did not start: haproxy exited/);
});
