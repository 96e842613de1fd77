// A transparent proxy forwards header fields as the peer wrote them: repeated fields stay separate
// and in order (Set-Cookie must never be joined with commas, its dates contain them), and names keep
// their case on HTTP/1.1, for peers that (wrongly, but really) depend on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, headComplete, headLines, readUntil } from '../../support/peers.js';

const COOKIES = ['a=1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT', 'b=2; HttpOnly', 'c=3, not a list'];

test('request fields keep their order, repeats and name case', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    let seen: string[] = [];
    const backend = await peers.httpServer((req, res) => {
      seen = req.rawHeaders;
      res.end();
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    client.write('GET / HTTP/1.1\r\nHost: svc\r\nX-Repeat: a\r\nX-MiXeD-Case: 1\r\nx-repeat: b, c\r\nAccept: */*\r\nX-Repeat: d\r\n\r\n');
    assert.equal(headLines(await readUntil(client, (b) => headComplete(b))).status, 200);
    const fields = pairs(seen).filter(([n]) => n.toLowerCase().startsWith('x-') || n.toLowerCase() === 'accept');
    assert.deepEqual(fields, [
      ['X-Repeat', 'a'],
      ['X-MiXeD-Case', '1'],
      ['x-repeat', 'b, c'],
      ['Accept', '*/*'],
      ['X-Repeat', 'd'],
    ]);
  } finally {
    await peers.close();
  }
});

test('response fields keep repeats (every Set-Cookie apart), order and values', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const backend = await peers.httpServer((_req, res) => {
      res.writeHead(200, ['Set-Cookie', COOKIES[0], 'X-Between', 'x', 'Set-Cookie', COOKIES[1], 'Set-Cookie', COOKIES[2], 'Content-Length', '0'].map(String));
      res.end();
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    client.write('GET / HTTP/1.1\r\nHost: svc\r\n\r\n');
    const answer = headLines(await readUntil(client, (b) => headComplete(b)));
    assert.equal(answer.status, 200);
    const fields = answer.headers.filter(([n]) => ['set-cookie', 'x-between'].includes(n.toLowerCase()));
    assert.deepEqual(fields, [
      ['Set-Cookie', COOKIES[0]],
      ['X-Between', 'x'],
      ['Set-Cookie', COOKIES[1]],
      ['Set-Cookie', COOKIES[2]],
    ]);
  } finally {
    await peers.close();
  }
});

test('response field names keep their case on HTTP/1.1', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const backend = await peers.httpServer((_req, res) => {
      res.writeHead(200, ['X-Upper-Case', 'u', 'x-lower', 'l', 'Content-Length', '0']);
      res.end();
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    client.write('GET / HTTP/1.1\r\nHost: svc\r\n\r\n');
    const answer = headLines(await readUntil(client, (b) => headComplete(b)));
    const names = answer.headers.map(([n]) => n);
    assert.ok(names.includes('X-Upper-Case'), `names as forwarded: ${names.join(', ')}`);
    assert.ok(names.includes('x-lower'));
  } finally {
    await peers.close();
  }
});

function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return out;
}
