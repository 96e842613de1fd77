import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { AccessLog, createLogger } from '../../../sidecar/observe/log.js';

/** A pino destination collecting parsed lines. */
function collector(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { stream, lines };
}

test('log lines are JSON with a level name, a time, and secret fields redacted', () => {
  const { stream, lines } = collector();
  const logger = createLogger({ level: 'debug', destination: stream, base: { proxy: 'pod-a' } });
  logger.debug({ tls: { privateKey: 'PEM' }, token: 'abc', route: 'shop/r' }, 'config applied');
  assert.equal(lines.length, 1);
  const [line] = lines;
  assert.equal(line?.level, 'debug');
  assert.equal(line.msg, 'config applied');
  assert.equal(line.proxy, 'pod-a');
  assert.equal(typeof line.time, 'string');
  assert.deepEqual(line.tls, { privateKey: '[REDACTED]' });
  assert.equal(line.token, '[REDACTED]');
  assert.equal(line.route, 'shop/r');
});

test('the access log is off by default and writes nothing', () => {
  const { stream, lines } = collector();
  const accessLog = new AccessLog(createLogger({ destination: stream }));
  assert.equal(accessLog.enabled, false);
  accessLog.write({ direction: 'inbound', method: 'GET', authority: 'a', path: '/', status: 200, duration_ms: 1 });
  assert.equal(lines.length, 0);
});

test('an access line has every stable key, in order, and no query string', () => {
  const { stream, lines } = collector();
  const accessLog = new AccessLog(createLogger({ destination: stream }), true);
  accessLog.write({
    direction: 'outbound',
    method: 'GET',
    authority: 'reviews.shop:9080',
    path: '/reviews/1?access_token=secret',
    status: 503,
    duration_ms: 12.345678,
    route: 'shop/reviews',
    rule: '0',
    backend: 'shop/reviews-v2',
    error_code: 'SIDELANE_ERR_NO_HEALTHY_ENDPOINT',
  });
  const [line] = lines;
  assert.ok(line);
  const { level, time, msg, log, ...fields } = line;
  assert.deepEqual([level, typeof time, msg, log], ['info', 'string', 'access', 'access']);
  assert.deepEqual(fields, {
    direction: 'outbound',
    method: 'GET',
    authority: 'reviews.shop:9080',
    path: '/reviews/1',
    status: 503,
    duration_ms: 12.346,
    route: 'shop/reviews',
    rule: '0',
    backend: 'shop/reviews-v2',
    endpoint: null,
    error_code: 'SIDELANE_ERR_NO_HEALTHY_ENDPOINT',
    bytes_sent: null,
    bytes_received: null,
    trace_id: null,
  });
  assert.deepEqual(Object.keys(fields), [
    'direction', 'method', 'authority', 'path', 'status', 'duration_ms', 'route', 'rule', 'backend',
    'endpoint', 'error_code', 'bytes_sent', 'bytes_received', 'trace_id',
  ]);
});
