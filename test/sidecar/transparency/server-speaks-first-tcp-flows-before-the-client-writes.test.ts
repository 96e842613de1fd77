// Server-speaks-first protocols (MySQL, SMTP, FTP) send a greeting before the client says
// anything. The proxy must connect upstream without waiting for client bytes: a declared TCP port
// is proxied at once, an undeclared one after a short sniff, and so is a destination that is no
// Service. The test plays iptables' part: every accepted connection reports a fixed original
// destination, as SO_ORIGINAL_DST would for a redirected one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { serviceYaml } from '../../support/mesh.js';
import { Peers, readUntil } from '../../support/peers.js';
import { startRedirectedSidecar } from '../../support/redirected-sidecar.js';

const CLUSTER_IP = '10.96.0.10';

/** A toy SMTP-like server: greets, answers one command, says goodbye and closes. */
function greeter(socket: net.Socket): void {
  socket.write('220 greeter ready\r\n');
  socket.on('data', (chunk: Buffer) => {
    if (chunk.toString().startsWith('QUIT')) socket.end('221 bye\r\n');
  });
}

const CASES = [
  { name: 'a Service port declared appProtocol: tcp', port: 3306, appProtocol: 'tcp', portName: 'db' },
  { name: 'a Service port named tcp-…', port: 3307, portName: 'tcp-mysql' },
  { name: 'a Service port of undeclared protocol (sniffed)', port: 3308, portName: 'db' },
] as const;

for (const c of CASES) {
  test(`the greeting arrives unasked through ${c.name}`, { timeout: 15_000 }, async () => {
    const peers = new Peers();
    try {
      const backendPort = await peers.tcpServer(greeter);
      const manifests = serviceYaml({
        name: 'db',
        clusterIP: CLUSTER_IP,
        port: c.port,
        portName: c.portName,
        ...('appProtocol' in c ? { appProtocol: c.appProtocol } : {}),
        backends: [{ host: '127.0.0.1', port: backendPort }],
      });
      const proxy = await startRedirectedSidecar(manifests, { address: CLUSTER_IP, port: c.port });
      peers.onClose(() => proxy.close());
      const client = await peers.connect(proxy.port);
      const greeting = await readUntil(client, (b) => b.includes('\r\n'));
      assert.equal(greeting.toString(), '220 greeter ready\r\n');
      client.write('QUIT\r\n');
      const rest = await readUntil(client, () => false);
      assert.equal(rest.toString(), '221 bye\r\n');
    } finally {
      await peers.close();
    }
  });
}

test('the greeting arrives unasked through a destination that is no Service (pass-through)', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const backendPort = await peers.tcpServer(greeter);
    const proxy = await startRedirectedSidecar(serviceYaml({ name: 'other', backends: [] }), { address: '127.0.0.1', port: backendPort });
    peers.onClose(() => proxy.close());
    const client = await peers.connect(proxy.port);
    const greeting = await readUntil(client, (b) => b.includes('\r\n'));
    assert.equal(greeting.toString(), '220 greeter ready\r\n');
    client.write('QUIT\r\n');
    assert.equal((await readUntil(client, () => false)).toString(), '221 bye\r\n');
  } finally {
    await peers.close();
  }
});
