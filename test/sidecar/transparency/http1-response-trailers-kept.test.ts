// Trailer fields of a chunked HTTP/1.1 response (a checksum computed while streaming, a final
// status) reach the client after the body, with the Trailer field announcing them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, readUntil, within } from '../../support/peers.js';

test('trailers of a chunked response reach an HTTP/1.1 client', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    const req = http.request({
      host: '127.0.0.1',
      port: mesh.port,
      path: '/t',
      headers: { host: 'svc', te: 'trailers', 'x-echo-body-bytes': '100000', 'x-echo-trailer': ['x-checksum: abc123', 'x-final: done'] },
      agent: false,
    });
    peers.onClose(() => {
      req.destroy();
    });
    req.end();
    const [res] = (await within(once(req, 'response'), 5000, 'response')) as [http.IncomingMessage];
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.match(String(res.headers.trailer), /x-checksum/);
    let bytes = 0;
    res.on('data', (c: Buffer) => (bytes += c.length));
    await within(once(res, 'end'), 5000, 'response end');
    assert.equal(bytes, 100000);
    assert.deepEqual({ ...res.trailers }, { 'x-checksum': 'abc123', 'x-final': 'done' });
  } finally {
    await peers.close();
  }
});

test('trailers on the wire: after the last chunk, before the final CRLF', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const backend = await peers.httpServer((_req, res) => {
      res.writeHead(200, { trailer: 'X-Digest' });
      res.write('hello');
      res.addTrailers([['X-Digest', 'sha-256=abc']]);
      res.end();
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    client.write('GET / HTTP/1.1\r\nHost: svc\r\nTE: trailers\r\n\r\n');
    const bytes = (await readUntil(client, (b) => b.toString('latin1').endsWith('\r\n\r\n') && b.includes('0\r\n'))).toString('latin1');
    assert.match(bytes, /\r\n0\r\nx-digest: sha-256=abc\r\n\r\n$/i);
  } finally {
    await peers.close();
  }
});
