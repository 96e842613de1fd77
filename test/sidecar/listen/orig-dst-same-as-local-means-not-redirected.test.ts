// isSameAsLocal tells a connection addressed to the listener itself (not redirected) from one
// iptables redirected; notRedirected is the resolver of local mode.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { isSameAsLocal, notRedirected } from '../../../sidecar/listen/orig-dst.js';
import { listen, Tracker } from '../protocol/tcp-harness.js';

const tracker = new Tracker();
after(() => tracker.closeAll());

test('the local address and port of the socket is "not redirected"; anything else is', { timeout: 5000 }, async () => {
  const port = await listen(tracker.server(() => undefined));
  const socket = await tracker.connect(port);
  const local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
  assert.equal(isSameAsLocal(socket, local), true);
  assert.equal(isSameAsLocal(socket, { address: `::ffff:${local.address}`, port: local.port }), true, 'IPv4-mapped form');
  assert.equal(isSameAsLocal(socket, { address: local.address, port: local.port === 1 ? 2 : 1 }), false, 'other port');
  assert.equal(isSameAsLocal(socket, { address: '10.0.0.1', port: local.port }), false, 'other address');
});

test('local mode resolves no original destination', { timeout: 5000 }, async () => {
  const port = await listen(tracker.server(() => undefined));
  assert.equal(notRedirected(await tracker.connect(port)), undefined);
});
