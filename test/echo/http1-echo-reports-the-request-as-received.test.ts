// An HTTP/1.1 request is echoed as it arrived: method, raw target (not normalized), Host, every
// header with repeats in order, body digest, and the server's name; pipelined requests on one
// connection each get their own answer (the protocol sniffing put every byte back).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { HttpEchoReport } from '../../src/echo/index.js';
import { eventually, http1, rawExchange, withEcho } from './echo-fixture.js';

test('method, raw path, host and repeated headers come back as sent', { timeout: 10_000 }, async () => {
  await withEcho(async (echo, logs) => {
    const answer = await rawExchange(
      echo,
      'PATCH /a/../b/%2f?x=1&x=2 HTTP/1.1\r\nHost: shop.example\r\nX-Rep: one\r\nx-rep: two\r\n' +
        'Cookie: a=1\r\nCookie: b=2\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
    );
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\ncontent-type: application\/json\r\n/i);
    assert.match(head, /\r\nx-echo-name: echo-test\r\n/i);
    const report = JSON.parse(body) as HttpEchoReport;
    assert.equal(report.name, 'echo-test');
    assert.equal(report.protocol, 'HTTP/1.1');
    assert.equal(report.method, 'PATCH');
    assert.equal(report.path, '/a/../b/%2f?x=1&x=2');
    assert.equal(report.host, 'shop.example');
    assert.deepEqual(report.headers['x-rep'], ['one', 'two']);
    assert.deepEqual(report.headers.cookie, ['a=1', 'b=2']);
    assert.equal(report.pseudo, undefined);
    assert.deepEqual(report.body, { bytes: 5, sha256: createHash('sha256').update('hello').digest('hex') });
    assert.equal(report.remote.address, '127.0.0.1');
    await eventually(() => logs.length === 1, 'the log line');
    const [line] = logs;
    assert.ok(line);
    assert.equal(line.outcome, 'answered');
    assert.equal(line.status, 200);
    assert.equal(line.requestBytes, 5);
    assert.equal(echo.requests, 1);
  });
});

test('pipelined requests on one connection are each answered', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    const answer = await rawExchange(
      echo,
      'GET /first HTTP/1.1\r\nHost: a\r\n\r\nGET /second HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n',
    );
    const paths = [...answer.matchAll(/"path": "([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(paths, ['/first', '/second']);
  });
});

test('the node http client gets JSON with Content-Length', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    const answer = await http1(echo, { path: '/x', headers: { 'x-one': ['1', '2'] } });
    assert.equal(answer.status, 200);
    assert.equal(Number(answer.headers['content-length']), answer.body.length);
    const report = JSON.parse(answer.body.toString()) as HttpEchoReport;
    assert.deepEqual(report.headers['x-one'], ['1', '2']);
    assert.equal(report.host, `127.0.0.1:${echo.address.port}`);
  });
});
