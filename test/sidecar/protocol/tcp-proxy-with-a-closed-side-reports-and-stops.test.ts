// proxyTcp handed a socket that is already gone (the client reset while being sniffed, or a dead
// upstream socket) does not connect anywhere, closes the other side and still reports once.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { sniffProtocol } from '../../../sidecar/listen/sniff.js';
import { proxyTcp, type TcpProxyStats } from '../../../sidecar/protocol/tcp.js';
import { closeOutcome, listen, Tracker } from './tcp-harness.js';

const tracker = new Tracker();
after(() => tracker.closeAll());

test('a client reset while sniffing: no upstream connection, onClose still called', { timeout: 5000 }, async () => {
  let upstreamConnections = 0;
  const upstreamPort = await listen(tracker.server(() => upstreamConnections++));
  let closed: (stats: TcpProxyStats) => void = () => undefined;
  const result = new Promise<TcpProxyStats>((resolve) => (closed = resolve));
  const server = tracker.server((socket) => {
    void sniffProtocol(socket, { timeoutMs: 3000 }).then(({ head }) => {
      proxyTcp(socket, { host: '127.0.0.1', port: upstreamPort }, { head, onClose: closed });
    });
  });
  const client = await tracker.connect(await listen(server));
  client.write('GE');
  await new Promise((resolve) => setTimeout(resolve, 20));
  client.resetAndDestroy();
  const stats = await result;
  assert.equal(stats.connected, false);
  assert.match(stats.error?.message ?? '', /downstream closed/);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(upstreamConnections, 0);
});

test('a destroyed upstream socket closes the downstream and reports', { timeout: 5000 }, async () => {
  const upstreamPort = await listen(tracker.server(() => undefined));
  const deadUpstream = await tracker.connect(upstreamPort);
  deadUpstream.destroy();
  let closed: (stats: TcpProxyStats) => void = () => undefined;
  const result = new Promise<TcpProxyStats>((resolve) => (closed = resolve));
  const server = tracker.server((socket: net.Socket) => {
    proxyTcp(socket, deadUpstream, { onClose: closed });
  });
  // The reset may even beat the client's view of the connect: no waiting for 'connect' here.
  const client = tracker.socket(net.connect({ host: '127.0.0.1', port: await listen(server) }));
  const outcome = closeOutcome(client);
  client.resume();
  await outcome;
  const stats = await result;
  assert.match(stats.error?.message ?? '', /upstream closed/);
});
