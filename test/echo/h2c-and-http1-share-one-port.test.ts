// HTTP/2 with prior knowledge (h2c) and HTTP/1.1 are served on the same port: the connection
// preface decides, even when it arrives a few bytes at a time. HTTP/2 answers carry the
// pseudo-headers separately from the regular headers.
import assert from 'node:assert/strict';
import { connect as http2Connect } from 'node:http2';
import { connect as tcpConnect, createServer as createTcpServer, type Socket } from 'node:net';
import { test } from 'node:test';
import type { HttpEchoReport } from '../../src/echo/index.js';
import { http1, http2, http2Session, withEcho } from './echo-fixture.js';

test('an h2c request is echoed with pseudo-headers apart', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    const session = http2Session(echo);
    try {
      const answer = await http2(session, { ':method': 'POST', ':path': '/h2/path?q=1', 'x-rep': ['a', 'b'] }, 'payload');
      assert.equal(answer.headers[':status'], 200);
      assert.equal(answer.headers['content-type'], 'application/json');
      assert.equal(answer.headers['x-echo-name'], 'echo-test');
      const report = JSON.parse(answer.body.toString()) as HttpEchoReport;
      assert.equal(report.protocol, 'HTTP/2');
      assert.equal(report.method, 'POST');
      assert.equal(report.path, '/h2/path?q=1');
      assert.equal(report.host, `127.0.0.1:${echo.address.port}`);
      assert.deepEqual(report.headers['x-rep'], ['a', 'b']);
      assert.equal(report.headers[':path'], undefined);
      assert.ok(report.pseudo);
      assert.deepEqual(report.pseudo[':path'], ['/h2/path?q=1']);
      assert.deepEqual(report.pseudo[':scheme'], ['http']);
      assert.equal(report.body.bytes, 7);
    } finally {
      session.close();
    }
    const viaHttp1 = await http1(echo, { path: '/one' });
    assert.equal((JSON.parse(viaHttp1.body.toString()) as HttpEchoReport).protocol, 'HTTP/1.1');
  });
});

test('a preface split over several packets is still recognised', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    // A relay that forwards the client's first 30 bytes one at a time, with pauses between.
    const relay = createTcpServer((client) => {
      const upstream = tcpConnect(echo.address.port, '127.0.0.1');
      upstream.setNoDelay(true);
      upstream.pipe(client);
      let dribbled = 0;
      let queue = Promise.resolve();
      client.on('data', (chunk: Buffer) => {
        queue = queue.then(async () => {
          for (const byte of chunk) {
            upstream.write(Buffer.of(byte));
            if (dribbled++ < 30) await new Promise((resolve) => setTimeout(resolve, 2));
          }
        });
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    const sockets = new Set<Socket>();
    relay.on('connection', (s: Socket) => sockets.add(s));
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const port = (relay.address() as { port: number }).port;
    const session = http2Connect(`http://127.0.0.1:${port}`);
    try {
      const answer = await http2(session, { ':path': '/dribbled' });
      assert.equal((JSON.parse(answer.body.toString()) as HttpEchoReport).path, '/dribbled');
    } finally {
      session.destroy();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => relay.close(resolve));
    }
  });
});
