// Chunked bodies (no Content-Length) pass through as streams both ways: each chunk moves on as it
// arrives, so a long poll, a server-sent-event stream or an upload with unknown length works. A
// proxy that buffered until the end would deadlock these tests (they wait for the first chunk
// before sending the rest), which the per-step timeouts turn into a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, within } from '../../support/peers.js';

test('a chunked response reaches the client chunk by chunk', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const backend = await peers.httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      void released.then(() => res.end('data: last\n\n'));
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
    peers.onClose(() => mesh.close());
    const req = http.request({ host: '127.0.0.1', port: mesh.port, path: '/events', headers: { host: 'svc' }, agent: false });
    peers.onClose(() => {
      req.destroy();
    });
    req.end();
    const [res] = (await within(once(req, 'response'), 5000, 'response head')) as [http.IncomingMessage];
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    const [first] = (await within(once(res, 'data'), 5000, 'first chunk before the backend ended')) as [Buffer];
    assert.equal(first.toString(), 'data: first\n\n');
    release();
    const rest: Buffer[] = [];
    res.on('data', (c: Buffer) => rest.push(c));
    await within(once(res, 'end'), 5000, 'end of the stream');
    assert.equal(Buffer.concat(rest).toString(), 'data: last\n\n');
  } finally {
    await peers.close();
  }
});

test('a chunked request body reaches the backend chunk by chunk, complete', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    let firstChunk: (chunk: Buffer) => void = () => undefined;
    const firstArrived = new Promise<Buffer>((resolve) => (firstChunk = resolve));
    const backend = await peers.httpServer((req, res) => {
      let total = '';
      req.once('data', firstChunk);
      req.on('data', (c: Buffer) => (total += c.toString()));
      req.on('end', () => res.end(`${req.headers['transfer-encoding'] ?? 'no-te'} ${total}`));
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: backend.port }] }));
    peers.onClose(() => mesh.close());
    const req = http.request({ host: '127.0.0.1', port: mesh.port, method: 'POST', path: '/upload', headers: { host: 'svc' }, agent: false });
    peers.onClose(() => {
      req.destroy();
    });
    req.write('part-1;');
    const seen = await within(firstArrived, 5000, 'first request chunk at the backend before the client ended');
    assert.equal(seen.toString(), 'part-1;');
    req.end('part-2');
    const [res] = (await within(once(req, 'response'), 5000, 'response')) as [http.IncomingMessage];
    const body: Buffer[] = [];
    res.on('data', (c: Buffer) => body.push(c));
    await within(once(res, 'end'), 5000, 'response end');
    assert.equal(Buffer.concat(body).toString(), 'chunked part-1;part-2');
  } finally {
    await peers.close();
  }
});
