// A WebSocket upgrade is routed like any request, then the two connections are joined: the
// handshake (subprotocol, accept key) passes unchanged, frames flow both ways in order, pings are
// answered by the backend, and a close with a code reaches the other side with that code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, headComplete, headLines, readUntil, within } from '../../support/peers.js';

test('a WebSocket through the proxy: handshake, text, binary, ping and close code', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    const ws = new WebSocket(`ws://127.0.0.1:${mesh.port}/chat?room=1`, ['chat.v2', 'chat.v1'], { headers: { host: 'svc' } });
    peers.onClose(() => {
      ws.terminate();
    });
    await within(once(ws, 'open'), 5000, 'WebSocket open');
    assert.equal(ws.protocol, 'chat.v2');

    const messages: { data: Buffer; binary: boolean }[] = [];
    const three = new Promise<void>((resolve) => {
      ws.on('message', (data: Buffer, binary: boolean) => {
        messages.push({ data, binary });
        if (messages.length === 3) resolve();
      });
    });
    const big = Buffer.alloc(1024 * 1024, 7);
    ws.send('hello');
    ws.send(big);
    ws.send('after');
    await within(three, 5000, 'three echoed messages');
    assert.deepEqual(messages.map((m) => m.binary), [false, true, false]);
    assert.equal(messages[0]?.data.toString(), 'hello');
    assert.ok(messages[1]?.data.equals(big));
    assert.equal(messages[2]?.data.toString(), 'after');

    ws.ping(Buffer.from('are you there'));
    const [pong] = (await within(once(ws, 'pong'), 5000, 'pong')) as [Buffer];
    assert.equal(pong.toString(), 'are you there');

    ws.close(4001, 'bye');
    const [code] = (await within(once(ws, 'close'), 5000, 'close')) as [number];
    assert.equal(code, 4001);
  } finally {
    await peers.close();
  }
});

test('a refused upgrade reaches the client as the backend\'s answer', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    // The echo refuses a WebSocket version it does not speak with 426 and the version it does.
    const ws = new WebSocket(`ws://127.0.0.1:${mesh.port}/`, { headers: { host: 'svc' }, protocolVersion: 8 });
    peers.onClose(() => {
      ws.terminate();
    });
    ws.on('error', () => undefined);
    const [, res] = (await within(once(ws, 'unexpected-response'), 5000, 'unexpected-response')) as [unknown, IncomingMessage];
    assert.equal(res.statusCode, 426);
    assert.equal(res.headers['sec-websocket-version'], '13');
  } finally {
    await peers.close();
  }
});

test('an Upgrade to another protocol joins the connections byte for byte after the 101', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    // The echo answers any other upgrade token with 101 and then echoes raw bytes.
    client.write('GET /tunnel HTTP/1.1\r\nHost: svc\r\nConnection: Upgrade\r\nUpgrade: toy/1\r\n\r\n');
    const head = headLines(await readUntil(client, (b) => headComplete(b)));
    assert.equal(head.status, 101);
    assert.equal(head.headers.find(([n]) => n.toLowerCase() === 'upgrade')?.[1], 'toy/1');
    const bytes = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x0d, 0x0a, 7]);
    client.write(bytes);
    const echoed = await readUntil(client, (b) => b.length >= bytes.length);
    assert.ok(echoed.equals(bytes), `got ${echoed.toString('hex')}`);
  } finally {
    await peers.close();
  }
});
