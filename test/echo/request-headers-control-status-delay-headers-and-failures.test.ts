// The x-echo-* request headers: status, delay, extra response headers, and the two failures
// (reset, close without answering) on HTTP/1.1 and HTTP/2; a malformed control is a 400, never
// silently ignored; a delay ends early when the client leaves.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { constants as h2 } from 'node:http2';
import { test } from 'node:test';
import { eventually, http1, http2, http2Session, rawExchange, withEcho } from './echo-fixture.js';

test('x-echo-status, x-echo-set-header and x-echo-delay-ms shape the answer', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    const started = Date.now();
    const answer = await http1(echo, {
      headers: {
        'x-echo-status': '503',
        'x-echo-delay-ms': '150',
        'x-echo-set-header': ['retry-after: 2', 'set-cookie: a=1', 'set-cookie: b=2', 'content-type: text/x-mine'],
      },
    });
    assert.ok(Date.now() - started >= 140, 'answered before the delay');
    assert.equal(answer.status, 503);
    assert.equal(answer.headers['retry-after'], '2');
    assert.deepEqual(answer.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(answer.headers['content-type'], 'text/x-mine', 'a set header replaces the default');

    const session = http2Session(echo);
    try {
      const viaH2 = await http2(session, { ':path': '/', 'x-echo-status': '429', 'x-echo-set-header': 'x-limit: 10' });
      assert.equal(viaH2.headers[':status'], 429);
      assert.equal(viaH2.headers['x-limit'], '10');
    } finally {
      session.close();
    }
  });
});

test('a malformed control is answered 400 with the problem', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    const answer = await http1(echo, { headers: { 'x-echo-status': '700', 'x-echo-fail': 'explode', 'x-echo-set-header': 'no colon' } });
    assert.equal(answer.status, 400);
    const { problems } = JSON.parse(answer.body.toString()) as { problems: string[] };
    assert.equal(problems.length, 3);
    assert.match(problems.join('\n'), /x-echo-status: "700"/);
    assert.match(problems.join('\n'), /x-echo-fail: "explode"/);

    const session = http2Session(echo);
    try {
      const viaH2 = await http2(session, { ':path': '/', 'x-echo-set-header': 'connection: close' });
      assert.equal(viaH2.headers[':status'], 400);
      assert.match(viaH2.body.toString(), /connection-specific/);
    } finally {
      session.close();
    }
  });
});

test('x-echo-fail: reset resets the HTTP/1.1 connection and the HTTP/2 stream', { timeout: 10_000 }, async () => {
  await withEcho(async (echo, logs) => {
    await assert.rejects(http1(echo, { headers: { 'x-echo-fail': 'reset' } }), { code: 'ECONNRESET' });

    const session = http2Session(echo);
    try {
      const stream = session.request({ ':path': '/', 'x-echo-fail': 'reset' });
      stream.on('error', () => undefined);
      stream.resume();
      await new Promise<void>((resolve) => stream.on('close', resolve));
      assert.equal(stream.rstCode, h2.NGHTTP2_INTERNAL_ERROR);
      // Only the stream: the connection still serves.
      const after = await http2(session, { ':path': '/after' });
      assert.equal(after.headers[':status'], 200);
    } finally {
      session.close();
    }
    await eventually(() => logs.length === 3, 'three log lines');
    assert.deepEqual(logs.map((l) => l.outcome), ['reset', 'reset', 'answered']);
  });
});

test('x-echo-fail: close closes the connection without an answer', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    const raw = await rawExchange(echo, 'POST / HTTP/1.1\r\nHost: a\r\nX-Echo-Fail: close\r\nContent-Length: 3\r\n\r\nabc');
    assert.equal(raw, '');
    await assert.rejects(http1(echo, { headers: { 'x-echo-fail': 'close' } }), { code: 'ECONNRESET', message: 'socket hang up' });

    const session = http2Session(echo);
    const closed = new Promise<void>((resolve) => session.on('close', resolve));
    session.on('error', () => undefined);
    const stream = session.request({ ':path': '/', 'x-echo-fail': 'close' });
    stream.on('error', () => undefined);
    stream.resume();
    let responded = false;
    stream.on('response', () => (responded = true));
    await closed;
    assert.equal(responded, false);
  });
});

test('a delay ends when the client goes away', { timeout: 10_000 }, async () => {
  await withEcho(async (echo, logs) => {
    const req = httpRequest({ port: echo.address.port, host: '127.0.0.1', headers: { 'x-echo-delay-ms': '60000' }, agent: false });
    req.on('error', () => undefined);
    req.end();
    await eventually(() => echo.requests === 0 && req.socket !== null, 'the request to be sent');
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await eventually(() => logs.length === 1, 'the aborted request in the log');
    const [line] = logs;
    assert.ok(line);
    assert.equal(line.outcome, 'aborted');
    assert.ok(line.durationMs < 5000);
  });
});
