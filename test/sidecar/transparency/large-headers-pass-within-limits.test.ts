// Large header sections pass through both ways up to the limits a Node peer has anyway (16 KiB by
// default); past the proxy's own limit the client gets a clear 400 marked as the proxy's, rather
// than a hang or a reset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, headComplete, headLines, readUntil } from '../../support/peers.js';

test('a 12 KiB request field and a 12 KiB response field pass through', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    let seen = '';
    const big = 'v'.repeat(12 * 1024);
    const backend = await peers.httpServer((req, res) => {
      seen = String(req.headers['x-big'] ?? '');
      res.writeHead(200, { 'x-big-answer': big.toUpperCase(), 'content-length': '0' });
      res.end();
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    client.write(`GET / HTTP/1.1\r\nHost: svc\r\nX-Big: ${big}\r\n\r\n`);
    const answer = headLines(await readUntil(client, (b) => headComplete(b)));
    assert.equal(answer.status, 200);
    assert.equal(seen, big);
    assert.equal(answer.headers.find(([n]) => n.toLowerCase() === 'x-big-answer')?.[1], big.toUpperCase());
  } finally {
    await peers.close();
  }
});

test('a header section past the limit is refused with 400 and the proxy\'s error code', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    let reached = false;
    const backend = await peers.httpServer((_req, res) => {
      reached = true;
      res.end();
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    client.write(`GET / HTTP/1.1\r\nHost: svc\r\nX-Huge: ${'h'.repeat(80 * 1024)}\r\n\r\n`);
    const answer = headLines(await readUntil(client, () => false));
    assert.equal(answer.status, 400);
    assert.equal(answer.headers.find(([n]) => n.toLowerCase() === ERROR_HEADER)?.[1], ProxyErrorCode.BadRequest);
    assert.equal(reached, false);
  } finally {
    await peers.close();
  }
});
