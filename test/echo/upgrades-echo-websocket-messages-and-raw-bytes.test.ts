// Leaving HTTP on the echo port: a WebSocket (real `ws` client) gets every message back with its
// kind and fragmentation, pings get pongs and a close gets its code back; any other Upgrade and
// CONNECT echo raw bytes; an h2c Upgrade is declined and answered in HTTP/1.1.
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { HttpEchoReport } from '../../src/echo/index.js';
import { eventually, rawExchange, withEcho } from './echo-fixture.js';

test('a WebSocket gets text, binary and fragmented messages back, and its close code', { timeout: 10_000 }, async () => {
  await withEcho(async (echo, logs) => {
    const ws = new WebSocket(`ws://127.0.0.1:${echo.address.port}/chat`, ['chat.v1', 'other'], {
      headers: { 'x-echo-set-header': 'x-room: 7' },
    });
    try {
      const upgrade = new Promise<IncomingMessage>((resolve) => ws.once('upgrade', resolve));
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      assert.equal(ws.protocol, 'chat.v1');
      assert.equal((await upgrade).headers['x-room'], '7');
      const messages: [string, boolean][] = [];
      ws.on('message', (data: Buffer, isBinary: boolean) => messages.push([data.toString(), isBinary]));
      ws.send('hello');
      ws.send(Buffer.from('bytes'), { binary: true });
      ws.send('frag', { fin: false });
      ws.send('mented', { fin: true });
      ws.send('x'.repeat(200_000));
      const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
      ws.ping('are you there');
      assert.equal((await pong).toString(), 'are you there');
      await eventually(() => messages.length === 4, 'four echoed messages');
      assert.deepEqual(messages.slice(0, 3), [['hello', false], ['bytes', true], ['fragmented', false]]);
      assert.equal(messages[3]?.[0].length, 200_000);
      const closed = new Promise<number>((resolve) => ws.once('close', resolve));
      ws.close(4001, 'done');
      assert.equal(await closed, 4001);
      const [line] = logs;
      assert.ok(line);
      assert.equal(line.outcome, 'upgraded');
      assert.equal(line.status, 101);
    } finally {
      ws.terminate();
    }
  });
});

test('a bad WebSocket handshake is refused', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    const answer = await rawExchange(
      echo,
      'GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    assert.match(answer, /^HTTP\/1\.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n/);
  });
});

async function tunnel(port: number, options: { method: string; headers: Record<string, string>; path: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, agent: false, ...options });
    const echoed = (res: IncomingMessage, socket: Socket, head: Buffer): void => {
      let data = head.toString();
      socket.on('data', (chunk: Buffer) => {
        data += chunk.toString();
        if (data === 'ping through the tunnel') {
          socket.destroy();
          resolve(`${res.statusCode} ${data}`);
        }
      });
      socket.write('ping through the tunnel');
    };
    req.on('upgrade', echoed);
    req.on('connect', echoed);
    req.on('error', reject);
    req.end();
  });
}

test('any other Upgrade, and CONNECT, echo raw bytes', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    const upgraded = await tunnel(echo.address.port, { method: 'GET', path: '/', headers: { connection: 'upgrade', upgrade: 'echo-raw' } });
    assert.equal(upgraded, '101 ping through the tunnel');
    const connected = await tunnel(echo.address.port, { method: 'CONNECT', path: 'db.internal:5432', headers: {} });
    assert.equal(connected, '200 ping through the tunnel');
  });
});

test('an h2c Upgrade is declined: the request is answered in HTTP/1.1', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    const answer = await rawExchange(
      echo,
      'GET /curl-http2 HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n' +
        'HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n',
    );
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\nConnection: close(\r\n|$)/i);
    const report = JSON.parse(body) as HttpEchoReport;
    assert.equal(report.path, '/curl-http2');
    assert.deepEqual(report.headers.upgrade, ['h2c']);

    // curl --http2 -d … sends its body after an Upgrade: h2c head.
    const post = await rawExchange(
      echo,
      'POST /form HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n' +
        'HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\nContent-Length: 11\r\n\r\nhello world',
    );
    assert.match(post, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(post, /"bytes": 11/);
  });
});
