// A reset on one side of the proxy is a reset on the other: an aborted exchange must not look
// like a complete one (a FIN would) to the peer that is still there.
import assert from 'node:assert/strict';
import type net from 'node:net';
import { after, test } from 'node:test';
import { closeOutcome, listen, startProxy, Tracker } from './tcp-harness.js';

const tracker = new Tracker();
after(() => tracker.closeAll());

test('a client reset resets the upstream connection', { timeout: 5000 }, async () => {
  let accepted: (socket: net.Socket) => void = () => undefined;
  const upstreamSocket = new Promise<net.Socket>((resolve) => (accepted = resolve));
  const upstream = tracker.server((socket) => {
    accepted(socket);
  });
  const proxy = await startProxy(tracker, await listen(upstream));
  const client = await tracker.connect(proxy.port);
  const run = proxy.next();
  client.write('partial request');
  const upstreamSide = await upstreamSocket;
  const outcome = closeOutcome(upstreamSide);
  upstreamSide.resume();
  await new Promise((resolve) => setTimeout(resolve, 20));
  client.resetAndDestroy();
  assert.equal((await outcome)?.code, 'ECONNRESET');
  const stats = await run.stats;
  assert.match(stats.error?.message ?? '', /ECONNRESET/);
});

test('an upstream reset resets the client connection', { timeout: 5000 }, async () => {
  const upstream = tracker.server((socket) => {
    socket.once('data', () => socket.resetAndDestroy());
  });
  const proxy = await startProxy(tracker, await listen(upstream));
  const client = await tracker.connect(proxy.port);
  const run = proxy.next();
  const outcome = closeOutcome(client);
  client.resume();
  client.write('request');
  assert.equal((await outcome)?.code, 'ECONNRESET');
  const stats = await run.stats;
  assert.ok(stats.error, 'the reset is reported');
  assert.equal(stats.connected, true);
});
