// Sequential h2c requests to one endpoint share one HTTP/2 session. (http2-wrapper keys its pool by
// an origin it reads off the socket; a plain socket once made every request open a new connection.)
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { Http2Upstream } from '../../../sidecar/endpoint/upstream-h2.js';

test('20 sequential requests open one session and still say :scheme http', async () => {
  let sessions = 0;
  const schemes = new Set<string>();
  const server = http2.createServer();
  server.on('session', () => sessions++);
  server.on('stream', (stream, headers) => {
    schemes.add(String(headers[':scheme']));
    stream.respond({ ':status': 200 });
    stream.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const upstream = new Http2Upstream({ connectTimeoutMs: 1000 });
  try {
    for (let i = 0; i < 20; i++) {
      const res = await upstream.request({
        endpoint: { address: '127.0.0.1', port },
        method: 'GET',
        target: '/',
        authority: 'svc',
        headers: [],
        body: undefined,
        signal: new AbortController().signal,
      });
      assert.equal(res.status, 200);
      res.body.resume();
      await new Promise((resolve) => res.body.once('end', resolve));
    }
    assert.equal(sessions, 1);
    assert.deepEqual([...schemes], ['http']);
  } finally {
    await upstream.close();
    server.close();
  }
});
