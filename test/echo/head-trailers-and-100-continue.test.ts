// HTTP semantics a proxy must carry and so the echo must produce: HEAD gets GET's headers
// without a body, x-echo-trailer sends trailers (chunked on HTTP/1.1, trailing HEADERS on HTTP/2),
// and Expect: 100-continue gets its interim answer before the body is sent.
import assert from 'node:assert/strict';
import { connect as tcpConnect } from 'node:net';
import { test } from 'node:test';
import type { HttpEchoReport } from '../../src/echo/index.js';
import { http1, http2, http2Session, withEcho } from './echo-fixture.js';

test('HEAD gets the headers of GET, Content-Length included, and no body', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    const head = await http1(echo, { method: 'HEAD', path: '/h' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-type'], 'application/json');
    assert.ok(Number(head.headers['content-length']) > 100);
    assert.equal(head.body.length, 0);
    const filler = await http1(echo, { method: 'HEAD', headers: { 'x-echo-body-bytes': '12345' } });
    assert.equal(filler.headers['content-length'], '12345');
    assert.equal(filler.body.length, 0);

    const session = http2Session(echo);
    try {
      const viaH2 = await http2(session, { ':method': 'HEAD', ':path': '/h', 'x-echo-body-bytes': '777' });
      assert.equal(viaH2.headers[':status'], 200);
      assert.equal(viaH2.headers['content-length'], '777');
      assert.equal(viaH2.body.length, 0);
    } finally {
      session.close();
    }
  });
});

test('x-echo-trailer sends trailers on HTTP/1.1 and HTTP/2', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    const answer = await http1(echo, { headers: { 'x-echo-trailer': ['x-checksum: abc', 'x-count: 2'] } });
    assert.equal(answer.headers['transfer-encoding'], 'chunked');
    assert.equal(answer.headers.trailer, 'x-checksum, x-count');
    assert.deepEqual(answer.trailers, { 'x-checksum': 'abc', 'x-count': '2' });
    assert.equal((JSON.parse(answer.body.toString()) as HttpEchoReport).method, 'GET');

    const session = http2Session(echo);
    try {
      const viaH2 = await http2(session, { ':path': '/', 'x-echo-trailer': 'x-checksum: def', 'x-echo-body-bytes': '5000' });
      assert.equal(viaH2.headers['content-length'], '5000');
      assert.equal(viaH2.trailers?.['x-checksum'], 'def');
      assert.equal(viaH2.body.length, 5000);
    } finally {
      session.close();
    }
  });
});

test('Expect: 100-continue is answered before the body is sent', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    const socket = tcpConnect(echo.address.port, '127.0.0.1');
    try {
      let received = '';
      const waitFor = async (pattern: RegExp): Promise<void> =>
        new Promise((resolve) => {
          const check = (): void => {
            if (pattern.test(received)) {
              socket.off('data', onData);
              resolve();
            }
          };
          const onData = (chunk: Buffer): void => {
            received += chunk.toString('latin1');
            check();
          };
          socket.on('data', onData);
          check();
        });
      socket.write('PUT /c HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\nConnection: close\r\n\r\n');
      await waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
      socket.write('body');
      await waitFor(/"bytes": 4/);
      assert.match(received, /HTTP\/1\.1 200 OK/);
    } finally {
      socket.destroy();
    }
  });
});
