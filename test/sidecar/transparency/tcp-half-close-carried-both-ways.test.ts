// A TCP half-close is a message: "I am done sending, keep talking". A client that sends a request
// and shuts down its write side (e.g. `nc -N`, rsync, some RPC framings) must still get the whole
// answer, and a server that closes first must still get what the client sends afterwards. The test
// plays iptables' part (a fixed original destination for every accepted connection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type net from 'node:net';
import { serviceYaml } from '../../support/mesh.js';
import { Peers, readUntil, within } from '../../support/peers.js';
import { startRedirectedSidecar } from '../../support/redirected-sidecar.js';

const CLUSTER_IP = '10.96.0.20';

const TCP_ROUTE = `
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: to-store, namespace: default}
spec:
  parentRefs: [{group: "", kind: Service, name: store, port: 7000}]
  rules:
  - backendRefs: [{name: store, port: 7000}]
`;

/** Reads until the client's FIN, then answers with what it read and closes its side. */
function answerAfterEnd(socket: net.Socket): void {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.once('end', () => {
    socket.end(`got ${Buffer.concat(chunks).length} bytes: ${Buffer.concat(chunks).subarray(0, 20).toString()}`);
  });
}

const SETUPS = [
  { name: 'a Service port declared tcp', manifests: (port: number) => serviceYaml({ name: 'store', clusterIP: CLUSTER_IP, port: 7000, portName: 'tcp', backends: [{ host: '127.0.0.1', port }] }), origDst: (): { address: string; port: number } => ({ address: CLUSTER_IP, port: 7000 }) },
  {
    name: 'a TCPRoute',
    manifests: (port: number) => serviceYaml({ name: 'store', clusterIP: CLUSTER_IP, port: 7000, portName: 'store', backends: [{ host: '127.0.0.1', port }] }) + TCP_ROUTE,
    origDst: (): { address: string; port: number } => ({ address: CLUSTER_IP, port: 7000 }),
  },
  { name: 'pass-through', manifests: () => serviceYaml({ name: 'unrelated', backends: [] }), origDst: (port: number) => ({ address: '127.0.0.1', port }) },
];

for (const setup of SETUPS) {
  test(`the client's FIN reaches the server and the answer still flows back (${setup.name})`, { timeout: 15_000 }, async () => {
    const peers = new Peers();
    try {
      const backendPort = await peers.tcpServer(answerAfterEnd);
      const proxy = await startRedirectedSidecar(setup.manifests(backendPort), setup.origDst(backendPort));
      peers.onClose(() => proxy.close());
      const client = await peers.connect(proxy.port);
      const payload = Buffer.alloc(256 * 1024, 'q');
      client.end(payload);
      const answer = await readUntil(client, () => false);
      assert.equal(answer.toString(), `got ${payload.length} bytes: ${'q'.repeat(20)}`);
      assert.equal(client.readableEnded, true);
    } finally {
      await peers.close();
    }
  });
}

test('the server\'s FIN reaches the client, which can still send', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    let received: (text: string) => void = () => undefined;
    const serverGot = new Promise<string>((resolve) => (received = resolve));
    const backendPort = await peers.tcpServer((socket) => {
      // Says its piece and half-closes at once, then keeps reading until the client is done.
      socket.end('server done\n');
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.once('end', () => { received(Buffer.concat(chunks).toString()); });
    });
    const proxy = await startRedirectedSidecar(SETUPS[0]?.manifests(backendPort) ?? '', { address: CLUSTER_IP, port: 7000 });
    peers.onClose(() => proxy.close());
    const client = await peers.connect(proxy.port);
    const fromServer = await readUntil(client, () => false);
    assert.equal(fromServer.toString(), 'server done\n');
    assert.equal(client.readableEnded, true, 'the server\'s FIN did not arrive as an end');
    assert.equal(client.writable, true, 'the client\'s write side was closed with the read side');
    const closed = once(client, 'close');
    client.end('late words from the client');
    assert.equal(await within(serverGot, 5000, 'client bytes after the server\'s FIN'), 'late words from the client');
    // Both directions finished cleanly: the socket closes by itself, without an error.
    await within(closed, 5000, 'client socket closed');
    assert.equal(client.errored, null);
  } finally {
    await peers.close();
  }
});

test('an HTTP/1.1 client that half-closes after its request still gets the response', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const proxy = await startRedirectedSidecar(serviceYaml({ name: 'web', clusterIP: '10.96.0.21', backends: [echo.address] }), { address: '10.96.0.21', port: 80 });
    peers.onClose(() => proxy.close());
    const client = await peers.connect(proxy.port);
    // As `printf 'GET …' | nc -N`: the request, then FIN, then read the answer.
    client.end('GET /after-fin HTTP/1.1\r\nHost: web\r\nx-echo-delay-ms: 50\r\n\r\n');
    const answer = (await readUntil(client, () => false)).toString();
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /"path": "\/after-fin"/);
  } finally {
    await peers.close();
  }
});
