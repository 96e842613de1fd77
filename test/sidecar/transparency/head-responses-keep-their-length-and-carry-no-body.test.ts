// HEAD is answered with the head a GET would get: the backend's Content-Length (or chunked
// Transfer-Encoding) describes a body that is never sent. A proxy that sends "content-length: 0",
// or any body bytes, corrupts the client's view or the next response on the connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, headComplete, headLines, readUntil } from '../../support/peers.js';

test('HEAD keeps the backend\'s Content-Length and sends no body; the next response follows cleanly', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    client.write('HEAD /big HTTP/1.1\r\nHost: svc\r\nx-echo-body-bytes: 123456\r\n\r\n');
    client.write('GET /next HTTP/1.1\r\nHost: svc\r\nx-echo-body-bytes: 5\r\n\r\n');
    const bytes = await readUntil(client, (b) => headComplete(b, 2) && b.toString('latin1').endsWith('abcde'));
    const head = headLines(bytes);
    assert.equal(head.status, 200);
    assert.equal(head.headers.find(([n]) => n.toLowerCase() === 'content-length')?.[1], '123456');
    const next = headLines(head.rest);
    assert.equal(next.status, 200, 'body bytes were sent after the HEAD response');
    assert.equal(next.rest.toString(), 'abcde');
  } finally {
    await peers.close();
  }
});

test('HEAD of a chunked resource sends no chunk, not even the last one', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const backend = await peers.httpServer((req, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked', 'x-path': req.url ?? '' });
      res.end(req.method === 'HEAD' ? undefined : 'body');
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    client.write('HEAD /a HTTP/1.1\r\nHost: svc\r\n\r\nGET /b HTTP/1.1\r\nHost: svc\r\n\r\n');
    const bytes = await readUntil(client, (b) => headComplete(b, 2) && b.toString('latin1').endsWith('0\r\n\r\n'));
    const head = headLines(bytes);
    assert.equal(head.status, 200);
    assert.equal(head.headers.find(([n]) => n.toLowerCase() === 'x-path')?.[1], '/a');
    assert.ok(head.rest.toString('latin1').startsWith('HTTP/1.1 200'), `bytes after the HEAD head: ${JSON.stringify(head.rest.toString('latin1').slice(0, 40))}`);
    assert.equal(headLines(head.rest).headers.find(([n]) => n.toLowerCase() === 'x-path')?.[1], '/b');
  } finally {
    await peers.close();
  }
});
