// The proxy sends the sniffed head first, moves large bodies both ways with backpressure intact,
// and reports exactly how many bytes went each way.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, test } from 'node:test';
import { proxyTcp, type TcpProxyStats } from '../../../sidecar/protocol/tcp.js';
import { listen, readToEnd, startProxy, Tracker } from './tcp-harness.js';

const tracker = new Tracker();
after(() => tracker.closeAll());

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

test('8 MiB echoed through the proxy arrive intact and are counted, head included', { timeout: 20_000 }, async () => {
  const echo = tracker.server((socket) => socket.pipe(socket));
  const head = Buffer.from('HEAD:');
  const proxy = await startProxy(tracker, await listen(echo), { head });
  const client = await tracker.connect(proxy.port);
  const run = proxy.next();
  const body = randomBytes(8 * 1024 * 1024);
  const echoed = readToEnd(client);
  client.end(body);
  const received = await echoed;
  assert.equal(received.length, head.length + body.length);
  assert.equal(sha(received), sha(Buffer.concat([head, body])), 'head first, then the body, unchanged');
  const stats = await run.stats;
  assert.deepEqual(stats, { bytesSent: head.length + body.length, bytesReceived: head.length + body.length, connected: true });
});

test('a slow reader holds the upstream back instead of filling the proxy memory', { timeout: 20_000 }, async () => {
  const total = 32 * 1024 * 1024;
  let upstreamWrote = 0;
  const producer = tracker.server((socket) => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = (): void => {
      while (upstreamWrote < total) {
        upstreamWrote += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
      socket.end();
    };
    pump();
    socket.resume();
  });
  const proxy = await startProxy(tracker, await listen(producer));
  const client = await tracker.connect(proxy.port);
  const run = proxy.next();
  client.pause();
  await new Promise((resolve) => setTimeout(resolve, 300));
  // Kernel buffers on three sockets hold some; the proxy must not have read everything.
  assert.ok(upstreamWrote < total, `upstream wrote ${upstreamWrote} of ${total} while the client read nothing`);
  const all = readToEnd(client);
  client.resume();
  assert.equal((await all).length, total);
  client.end();
  assert.equal((await run.stats).bytesReceived, total);
});

test('an already connected socket can be the upstream', { timeout: 5000 }, async () => {
  const echo = tracker.server((socket) => socket.pipe(socket));
  const upstream = await tracker.connect(await listen(echo));
  let connectedCalls = 0;
  let closed: (stats: TcpProxyStats) => void = () => undefined;
  const result = new Promise<TcpProxyStats>((resolve) => (closed = resolve));
  const server = tracker.server((socket) => {
    proxyTcp(socket, upstream, {
      onUpstreamConnected: () => connectedCalls++,
      onClose: closed,
    });
  });
  const client = tracker.socket(net.connect({ host: '127.0.0.1', port: await listen(server), allowHalfOpen: true }));
  const echoed = readToEnd(client);
  client.end('ping');
  assert.equal((await echoed).toString(), 'ping');
  assert.deepEqual(await result, { bytesSent: 4, bytesReceived: 4, connected: true });
  assert.equal(connectedCalls, 1);
});

test('with idleTimeoutMs, a connection with no traffic is closed and reported', { timeout: 5000 }, async () => {
  const quiet = tracker.server(() => undefined);
  const proxy = await startProxy(tracker, await listen(quiet), { idleTimeoutMs: 100 });
  const client = await tracker.connect(proxy.port);
  const run = proxy.next();
  client.resume();
  const stats = await run.stats;
  assert.match(stats.error?.message ?? '', /no traffic for 100 ms/);
  assert.equal(stats.connected, true);
});
