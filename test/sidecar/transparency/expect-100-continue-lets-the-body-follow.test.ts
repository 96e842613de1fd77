// `Expect: 100-continue`: the client waits for an interim 100 before sending its body. The proxy
// answers it (as Envoy does by default) and streams the body on, so clients that wait (curl for
// large uploads, .NET, Java's HttpClient) neither stall nor send the body twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { EchoReply } from '../../support/mesh.js';
import { startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, within } from '../../support/peers.js';

test('a client waiting for 100 Continue gets it, sends its body, and the backend gets it once', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    const body = Buffer.alloc(300_000, 'b');
    const req = http.request({
      host: '127.0.0.1',
      port: mesh.port,
      method: 'PUT',
      path: '/upload',
      headers: { host: 'svc', expect: '100-continue', 'content-length': String(body.length) },
      agent: false,
    });
    peers.onClose(() => {
      req.destroy();
    });
    req.flushHeaders();
    await within(once(req, 'continue'), 5000, '100 Continue');
    req.end(body);
    const [res] = (await within(once(req, 'response'), 5000, 'final response')) as [http.IncomingMessage];
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    await within(once(res, 'end'), 5000, 'response end');
    assert.equal(res.statusCode, 200);
    const reply = JSON.parse(Buffer.concat(chunks).toString()) as EchoReply;
    assert.equal(reply.body.bytes, body.length);
    assert.equal(reply.headers['content-length']?.[0], String(body.length));
    assert.equal(echo.log.length, 1);
  } finally {
    await peers.close();
  }
});
