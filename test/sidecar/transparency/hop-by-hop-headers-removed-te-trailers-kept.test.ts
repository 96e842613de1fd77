// Hop-by-hop fields belong to one connection (RFC 9110 §7.6.1): the proxy removes Keep-Alive,
// Proxy-Connection, Connection and every field Connection names, in both directions, and keeps
// `te: trailers` (gRPC needs it end to end) while dropping TE's other codings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, headComplete, headLines, readUntil } from '../../support/peers.js';

test('request hop-by-hop fields and Connection-listed fields are removed; te: trailers is kept', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    let seen: string[] = [];
    const backend = await peers.httpServer((req, res) => {
      seen = req.rawHeaders;
      res.end('ok');
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    client.write(
      'GET /h HTTP/1.1\r\nHost: svc\r\nConnection: keep-alive, X-Conn-Listed, TE\r\nX-Conn-Listed: secret\r\n' +
        'Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: deflate;q=0.5, trailers\r\nX-Kept: yes\r\n\r\n',
    );
    const answer = headLines(await readUntil(client, (b) => headComplete(b) && b.includes('ok')));
    assert.equal(answer.status, 200);

    const names = pairs(seen).map(([n]) => n.toLowerCase());
    assert.ok(!names.includes('x-conn-listed'), `a field named in Connection reached the backend: ${names.join(', ')}`);
    assert.ok(!names.includes('proxy-connection'));
    assert.ok(!pairs(seen).some(([n, v]) => n.toLowerCase() === 'keep-alive' && v === 'timeout=5'), 'the client\'s Keep-Alive was forwarded');
    const connection = pairs(seen).filter(([n]) => n.toLowerCase() === 'connection').map(([, v]) => v.toLowerCase());
    assert.ok(connection.every((v) => !v.includes('x-conn-listed')), `Connection forwarded as sent: ${connection.join(', ')}`);
    assert.deepEqual(pairs(seen).filter(([n]) => n.toLowerCase() === 'te').map(([, v]) => v), ['trailers']);
    assert.deepEqual(pairs(seen).filter(([n]) => n.toLowerCase() === 'x-kept').map(([, v]) => v), ['yes']);
  } finally {
    await peers.close();
  }
});

test('response hop-by-hop fields and Connection-listed fields are removed, other fields kept', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const backend = await peers.httpServer((_req, res: http.ServerResponse) => {
      res.writeHead(200, [
        'Connection', 'keep-alive, X-Resp-Listed',
        'X-Resp-Listed', 'internal',
        'Keep-Alive', 'timeout=1, max=7',
        'Proxy-Connection', 'keep-alive',
        'X-Resp-Kept', 'ok',
        'Content-Length', '2',
      ]);
      res.end('ok');
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    client.write('GET / HTTP/1.1\r\nHost: svc\r\n\r\n');
    const answer = headLines(await readUntil(client, (b) => headComplete(b) && b.toString().endsWith('ok')));
    assert.equal(answer.status, 200);
    const lower = answer.headers.map(([n, v]): [string, string] => [n.toLowerCase(), v]);
    assert.ok(!lower.some(([n]) => n === 'x-resp-listed'), 'a field the backend named in Connection reached the client');
    assert.ok(!lower.some(([n]) => n === 'proxy-connection'));
    assert.ok(!lower.some(([n, v]) => n === 'keep-alive' && v.includes('max=7')), 'the backend\'s Keep-Alive was forwarded');
    assert.ok(!lower.some(([n, v]) => n === 'connection' && v.toLowerCase().includes('x-resp-listed')));
    assert.deepEqual(lower.filter(([n]) => n === 'x-resp-kept').map(([, v]) => v), ['ok']);
    assert.equal(answer.rest.toString(), 'ok');
  } finally {
    await peers.close();
  }
});

function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return out;
}
