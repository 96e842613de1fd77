// A gateway UDP listener forwards each client's datagrams over a session of its own: replies come
// back from the listener port, two clients are two source ports at the backend, and datagrams are
// neither merged nor split.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { UdpRouteTable } from '../../../src/ir/index.js';
import { UdpPort } from '../../../sidecar/gateway/udp.js';
import { backend, Closer, depsFor, meshOf, metricValue, ruleOf, udpClient, udpEcho, waitFor } from './l4-harness.js';

const closer = new Closer();
after(() => closer.closeAll());

function tableTo(...backends: ReturnType<typeof backend>[]): UdpRouteTable {
  const id = ruleOf('UDPRoute', 'dns');
  return { kind: 'udp', routes: [id.route], rule: { id, backends } };
}

test('two clients round-trip through their own sessions; the backend sees two source ports', { timeout: 10_000 }, async () => {
  const echo = await udpEcho(closer, 'dns');
  const deps = depsFor(meshOf([{ name: 'dns', port: 53, transport: 'UDP', endpointPorts: [echo.port] }]));
  const udp = new UdpPort({ ...deps, idleTimeoutMs: 60_000 });
  closer.add(() => udp.close());
  udp.apply(tableTo(backend('dns', 53)), 60_000);
  const bound = await udp.listen('127.0.0.1', 0);
  assert.equal(bound.host, '127.0.0.1');

  const alice = await udpClient(closer, bound.port);
  const bob = await udpClient(closer, bound.port);
  assert.equal((await alice.ask('a1')).toString(), 'dns:a1');
  assert.equal((await bob.ask('b1')).toString(), 'dns:b1');
  assert.equal((await alice.ask('a2')).toString(), 'dns:a2');
  assert.equal((await bob.ask('b2')).toString(), 'dns:b2');

  assert.equal(udp.sessions, 2);
  assert.equal(echo.sources.length, 2, 'one upstream source port per client');
  assert.ok(!echo.sources.includes(alice.port) && !echo.sources.includes(bob.port), 'the backend sees the gateway, not the client');
  assert.equal(await metricValue(deps.metrics, 'sidelane_udp_sessions_active{direction="gateway",backend="apps/dns:53"}'), 2);
  assert.equal(await metricValue(deps.metrics, 'sidelane_udp_datagrams_total{direction="gateway",backend="apps/dns:53",flow="sent"}'), 4);
  assert.equal(await metricValue(deps.metrics, 'sidelane_udp_bytes_total{direction="gateway",backend="apps/dns:53",flow="received"}'), 4 * 'dns:a1'.length);
});

test('datagrams keep their boundaries, small and large', { timeout: 10_000 }, async () => {
  const echo = await udpEcho(closer, 'e');
  const deps = depsFor(meshOf([{ name: 'echo', port: 7, transport: 'UDP', endpointPorts: [echo.port] }]));
  const udp = new UdpPort({ ...deps, idleTimeoutMs: 60_000 });
  closer.add(() => udp.close());
  udp.apply(tableTo(backend('echo', 7)), 60_000);
  const { port } = await udp.listen('127.0.0.1', 0);
  const client = await udpClient(closer, port);
  const sizes = [0, 1, 512, 1500, 9000, 60_000];
  for (const size of sizes) {
    const payload = Buffer.alloc(size, size % 251);
    const reply = await client.ask(payload);
    assert.equal(reply.length, size + 2, `reply to a ${String(size)}-byte datagram`);
    assert.deepEqual(reply.subarray(2), payload);
  }
  assert.deepEqual(
    echo.received.map((d) => d.length),
    sizes,
  );
});

test('a TCP-only Service port has no UDP endpoints: datagrams are dropped and counted', { timeout: 10_000 }, async () => {
  const deps = depsFor(meshOf([{ name: 'web', port: 53, transport: 'TCP', endpointPorts: [9] }]));
  const udp = new UdpPort({ ...deps, idleTimeoutMs: 60_000 });
  closer.add(() => udp.close());
  udp.apply(tableTo(backend('web', 53)), 60_000);
  const { port } = await udp.listen('127.0.0.1', 0);
  const client = await udpClient(closer, port);
  client.send('anyone?');
  await waitFor(async () => (await metricValue(deps.metrics, 'sidelane_udp_datagrams_dropped_total{direction="gateway",reason="no_endpoint"}')) === 1);
  assert.equal(udp.sessions, 0);
});

test('past the session limit the oldest session is evicted', { timeout: 10_000 }, async () => {
  const echo = await udpEcho(closer, 'x');
  const deps = depsFor(meshOf([{ name: 'x', port: 9000, transport: 'UDP', endpointPorts: [echo.port] }]));
  const udp = new UdpPort({ ...deps, idleTimeoutMs: 60_000, maxSessions: 2 });
  closer.add(() => udp.close());
  udp.apply(tableTo(backend('x', 9000)), 60_000);
  const { port } = await udp.listen('127.0.0.1', 0);
  const clients = [await udpClient(closer, port), await udpClient(closer, port), await udpClient(closer, port)];
  for (const [i, client] of clients.entries()) assert.equal((await client.ask(`c${String(i)}`)).toString(), `x:c${String(i)}`);
  assert.equal(udp.sessions, 2);
  // The first client's session was evicted: its next datagram opens a new one (a new source port).
  assert.equal((await clients[0]?.ask('again'))?.toString(), 'x:again');
  assert.equal(echo.sources.length, 4);
});
