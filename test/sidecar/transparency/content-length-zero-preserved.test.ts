// `Content-Length: 0` is a statement, not an absence: a POST with an empty body must reach the
// backend with `content-length: 0` (not chunked, not without a length, which some servers answer
// with 411), and an empty response must reach the client framed the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, headComplete, headLines, readUntil } from '../../support/peers.js';

// GET and DELETE anticipate no body: undici (RFC 9110 §8.6, "SHOULD NOT send a Content-Length
// when … the method semantics do not anticipate such a body") drops the field for them. Both forms
// frame the same empty body (RFC 9112 §6.3), so for those only "no body, not chunked" is checked.
const EXPECTS_BODY = new Set(['POST', 'PUT', 'PATCH']);

for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'GET']) {
  const what = EXPECTS_BODY.has(method) ? 'with content-length: 0' : 'with an empty body, not chunked';
  test(`a ${method} with Content-Length: 0 reaches the backend ${what}`, { timeout: 15_000 }, async () => {
    const peers = new Peers();
    try {
      let seen: Record<string, unknown> = {};
      const backend = await peers.httpServer((req, res) => {
        seen = { ...req.headers };
        let bytes = 0;
        req.on('data', (c: Buffer) => (bytes += c.length));
        req.on('end', () => res.end(bytes === 0 ? 'done' : 'got a body'));
      });
      const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
      peers.onClose(() => mesh.close());
      const client = await peers.connect(mesh.port);
      client.write(`${method} /empty HTTP/1.1\r\nHost: svc\r\nContent-Length: 0\r\n\r\n`);
      const answer = headLines(await readUntil(client, (b) => headComplete(b) && b.toString().endsWith('done')));
      assert.equal(answer.status, 200);
      if (EXPECTS_BODY.has(method)) assert.equal(seen['content-length'], '0');
      else assert.ok(seen['content-length'] === undefined || seen['content-length'] === '0');
      assert.equal(seen['transfer-encoding'], undefined);
    } finally {
      await peers.close();
    }
  });
}

test('a response with Content-Length: 0 reaches the client with content-length: 0, and the connection stays usable', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const backend = await peers.httpServer((_req, res) => {
      res.writeHead(200, { 'content-length': '0', 'x-n': 'empty' });
      res.end();
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    client.write('GET /1 HTTP/1.1\r\nHost: svc\r\n\r\nGET /2 HTTP/1.1\r\nHost: svc\r\n\r\n');
    const bytes = await readUntil(client, (b) => headComplete(b, 2));
    const first = headLines(bytes);
    const lower = first.headers.map(([n, v]) => [n.toLowerCase(), v]);
    assert.equal(first.status, 200);
    assert.deepEqual(lower.filter(([n]) => n === 'content-length'), [['content-length', '0']]);
    assert.ok(!lower.some(([n]) => n === 'transfer-encoding'), 'an empty body was re-framed as chunked');
    // The second response follows at once: no stray body bytes in between.
    assert.equal(headLines(first.rest).status, 200);
  } finally {
    await peers.close();
  }
});
