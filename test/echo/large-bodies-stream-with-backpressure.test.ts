// Large bodies pass through without being held in memory: a 10 MB upload is counted and hashed
// as it streams, and x-echo-body-bytes answers with 10 MB of verifiable filler, with a
// Content-Length or chunked, on HTTP/1.1 and HTTP/2.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { fillerBytes, type HttpEchoReport } from '../../src/echo/index.js';
import { eventually, http1, http2, http2Session, withEcho } from './echo-fixture.js';

const TEN_MB = 10 * 1024 * 1024;

test('a 10 MB upload is counted and its sha256 matches', { timeout: 20_000 }, async () => {
  const upload = randomBytes(TEN_MB);
  const sha256 = createHash('sha256').update(upload).digest('hex');
  await withEcho(async (echo) => {
    const answer = await http1(echo, { method: 'PUT', path: '/upload', body: upload });
    assert.deepEqual((JSON.parse(answer.body.toString()) as HttpEchoReport).body, { bytes: TEN_MB, sha256 });

    const session = http2Session(echo);
    try {
      const viaH2 = await http2(session, { ':method': 'POST', ':path': '/upload' }, upload);
      assert.deepEqual((JSON.parse(viaH2.body.toString()) as HttpEchoReport).body, { bytes: TEN_MB, sha256 });
    } finally {
      session.close();
    }
  });
});

test('x-echo-body-bytes answers with that much filler', { timeout: 20_000 }, async () => {
  const expected = fillerBytes(0, TEN_MB);
  await withEcho(async (echo) => {
    const sized = await http1(echo, { headers: { 'x-echo-body-bytes': String(TEN_MB) } });
    assert.equal(sized.headers['content-length'], String(TEN_MB));
    assert.equal(sized.headers['content-type'], 'text/plain; charset=utf-8');
    assert.ok(sized.body.equals(expected), 'the filler pattern is intact');

    const chunked = await http1(echo, { headers: { 'x-echo-body-bytes': '100000', 'x-echo-chunked': 'true' } });
    assert.equal(chunked.headers['transfer-encoding'], 'chunked');
    assert.equal(chunked.headers['content-length'], undefined);
    assert.ok(chunked.body.equals(expected.subarray(0, 100000)));

    const session = http2Session(echo);
    try {
      const viaH2 = await http2(session, { ':path': '/', 'x-echo-body-bytes': String(TEN_MB) });
      assert.equal(viaH2.headers['content-length'], String(TEN_MB));
      assert.ok(viaH2.body.equals(expected));
    } finally {
      session.close();
    }
  });
});

test('a download is paced by a slow reader instead of buffered', { timeout: 20_000 }, async () => {
  await withEcho(async (echo, logs) => {
    // Read nothing for a while: the server must stop writing (backpressure), not queue 1 GB.
    const before = process.memoryUsage().rss;
    const headers = { 'x-echo-body-bytes': String(1024 * TEN_MB) };
    const req = httpRequest({ port: echo.address.port, host: '127.0.0.1', headers, agent: false });
    req.on('error', () => undefined);
    req.end();
    const res = await new Promise<IncomingMessage>((resolve) => req.on('response', resolve));
    res.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024, 'the server buffered the download');
    res.destroy();
    req.destroy();
    await eventually(() => logs.length === 1, 'the aborted download in the log');
    assert.equal(logs[0]?.outcome, 'aborted');
  });
});
