// When the upstream cannot be reached the client's connection is closed (reset, as a refused
// connect would be) and the failure is reported with a stable code.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { ProxyError, ProxyErrorCode } from '../../../sidecar/errors.js';
import { proxyTcp, type TcpProxyStats, type TcpTarget } from '../../../sidecar/protocol/tcp.js';
import { closedPort, closeOutcome, listen, startProxy, Tracker } from './tcp-harness.js';

const tracker = new Tracker();
after(() => tracker.closeAll());

test('a refused upstream connect closes the downstream and reports UpstreamConnect', { timeout: 5000 }, async () => {
  let connected = false;
  const proxy = await startProxy(tracker, await closedPort(), {
    onUpstreamConnected: () => {
      connected = true;
    },
  });
  // The reset may beat the client's view of its own connect: no waiting for 'connect'.
  const client = tracker.socket(net.connect({ host: '127.0.0.1', port: proxy.port }));
  const run = proxy.next();
  const outcome = closeOutcome(client);
  client.resume();
  client.write('anyone there?');
  await outcome;
  const stats = await run.stats;
  assert.ok(stats.error instanceof ProxyError);
  assert.equal(stats.error.code, ProxyErrorCode.UpstreamConnect);
  assert.equal((stats.error.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
  assert.equal(stats.connected, false);
  assert.equal(connected, false);
});

test('an upstream that never connects is given up after connectTimeoutMs', { timeout: 5000 }, async () => {
  const targets: TcpTarget[] = [];
  let closed: (stats: TcpProxyStats) => void = () => undefined;
  const result = new Promise<TcpProxyStats>((resolve) => (closed = resolve));
  const server = tracker.server((socket) => {
    proxyTcp(socket, { host: 'never.invalid', port: 9 }, {
      connectTimeoutMs: 100,
      // The connector seam: a name lookup that never answers keeps the socket connecting.
      connect: (target) => {
        targets.push(target);
        return tracker.socket(net.connect({ host: target.host, port: target.port, lookup: () => undefined }));
      },
      onClose: closed,
    });
  });
  const port = await listen(server);
  const start = performance.now();
  const client = tracker.socket(net.connect({ host: '127.0.0.1', port }));
  const outcome = closeOutcome(client);
  client.resume();
  await outcome;
  const stats = await result;
  const elapsed = performance.now() - start;
  assert.deepEqual(targets, [{ host: 'never.invalid', port: 9 }]);
  assert.ok(elapsed >= 90 && elapsed < 2000, `gave up after ${elapsed} ms`);
  assert.ok(stats.error instanceof ProxyError);
  assert.equal(stats.error.code, ProxyErrorCode.UpstreamConnect);
  assert.match(stats.error.message, /timed out/);
});
