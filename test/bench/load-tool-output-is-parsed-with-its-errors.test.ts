import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseH2load, parseWrk } from '../../bench/load.js';

const wrkOutput = `Running 10s test @ http://127.0.0.1:8080/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   618.67us  223.87us   5.42ms   93.28%
    Req/Sec    59.62k     2.71k   65.18k    66.67%
  Latency Distribution
     50%  607.00us
     75%  663.00us
     90%  713.00us
     99%    1.29ms
  178036 requests in 3.00s, 25.47MB read
Requests/sec:  59258.16
Transfer/sec:      8.48MB
`;

test('wrk: requests per second, count and latency percentiles in ms', () => {
  const r = parseWrk(wrkOutput);
  assert.equal(r.requestsPerSecond, 59258.16);
  assert.equal(r.requests, 178036);
  assert.deepEqual(r.latencyMs, { p50: 0.607, p99: 1.29 });
  assert.equal(r.errors, 0);
});

test('wrk: socket errors and non-2xx answers count as errors', () => {
  const out = wrkOutput.replace(
    'Requests/sec',
    '  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 40\nRequests/sec',
  );
  const r = parseWrk(out);
  assert.equal(r.errors, 43);
  assert.match(r.errorDetail, /Non-2xx or 3xx responses: 40/);
});

const h2loadOutput = `finished in 4.00s, 44413.33 req/s, 2.92MB/s
requests: 133240 total, 133240 started, 133240 done, 133240 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 133241 2xx, 0 3xx, 0 4xx, 0 5xx
`;

test('h2load: requests per second and no errors when every request succeeded with 2xx', () => {
  const r = parseH2load(h2loadOutput);
  assert.equal(r.requestsPerSecond, 44413.33);
  assert.equal(r.requests, 133240);
  assert.equal(r.errors, 0);
});

test('h2load: failed requests and 4xx/5xx count as errors; no output at all is an error', () => {
  const r = parseH2load(
    h2loadOutput
      .replace('0 failed, 0 errored', '3 failed, 2 errored')
      .replace('0 4xx, 0 5xx', '10 4xx, 1 5xx'),
  );
  assert.equal(r.errors, 16);
  assert.ok(parseH2load('').errors > 0);
  assert.ok(Number.isNaN(parseH2load('').requestsPerSecond));
});
