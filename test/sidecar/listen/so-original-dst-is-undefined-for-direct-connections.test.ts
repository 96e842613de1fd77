// SO_ORIGINAL_DST on a connection nothing redirected answers "not redirected" (undefined), over
// IPv4, IPv6 and IPv4-mapped sockets, and failures never throw: they are reported (once per call)
// so the proxy can log them. Redirected connections are covered in
// test/sidecar/iptables/interception-redirects-in-a-network-namespace.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { createSoOriginalDst, soOriginalDst, soOriginalDstLastError, type OrigDstFailure } from '../../../sidecar/listen/so-original-dst.js';

/** Accepts one connection on `host` (port 0) from `connectTo` and hands the accepted socket to `check`. */
async function withAccepted(host: string, connectTo: string, check: (socket: Socket) => void): Promise<void> {
  const server: Server = createServer();
  const client: Socket[] = [];
  try {
    server.listen({ host, port: 0, ipv6Only: false });
    await once(server, 'listening');
    const address = server.address();
    assert.ok(address !== null && typeof address === 'object');
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    client.push(connect(address.port, connectTo));
    const [socket] = await accepted;
    try {
      check(socket);
    } finally {
      socket.destroy();
    }
  } finally {
    for (const socket of client) socket.destroy();
    server.close();
  }
}

function ipv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer().once('error', () => {
      resolve(false);
    });
    probe.listen(0, '::1', () => {
      probe.close(() => {
        resolve(true);
      });
    });
  });
}

test('a direct IPv4 connection is not redirected', { timeout: 10_000 }, async () => {
  await withAccepted('127.0.0.1', '127.0.0.1', (socket) => {
    assert.equal(soOriginalDst(socket), undefined);
  });
});

test('a direct IPv4 connection on a dual-stack socket (::ffff:127.0.0.1) is not redirected', { timeout: 10_000 }, async (t) => {
  if (!(await ipv6Loopback())) {
    t.skip('no IPv6 loopback here');
    return;
  }
  await withAccepted('::', '127.0.0.1', (socket) => {
    assert.match(socket.localAddress ?? '', /^::ffff:127\.0\.0\.1$/);
    assert.equal(soOriginalDst(socket), undefined);
  });
});

test('a direct IPv6 connection is not redirected', { timeout: 10_000 }, async (t) => {
  if (!(await ipv6Loopback())) {
    t.skip('no IPv6 loopback here');
    return;
  }
  await withAccepted('::1', '::1', (socket) => {
    assert.equal(soOriginalDst(socket), undefined);
  });
});

test('failures are reported, not thrown: a closed socket has no descriptor', { timeout: 10_000 }, async () => {
  const failures: OrigDstFailure[] = [];
  const resolver = createSoOriginalDst((failure) => failures.push(failure));
  await withAccepted('127.0.0.1', '127.0.0.1', (socket) => {
    socket.destroy();
    assert.equal(resolver(socket), undefined);
  });
  assert.equal(failures.length, 1);
  assert.equal(failures[0]?.code, 'NO_FD');
  assert.deepEqual(soOriginalDstLastError(), failures[0]);
});

test('without a NAT entry the kernel says ENOENT, reported as "not redirected by iptables"', { timeout: 10_000 }, async () => {
  // Whether conntrack tracks loopback here depends on the host's netfilter state: either the
  // kernel answers the local address (undefined, no failure) or ENOENT (undefined, reported).
  const failures: OrigDstFailure[] = [];
  const resolver = createSoOriginalDst((failure) => failures.push(failure));
  await withAccepted('127.0.0.1', '127.0.0.1', (socket) => {
    assert.equal(resolver(socket), undefined);
  });
  assert.ok(failures.length <= 1, JSON.stringify(failures));
  for (const failure of failures) {
    assert.equal(failure.code, 'ENOENT');
    assert.match(failure.message, /not redirected by iptables/);
  }
});
