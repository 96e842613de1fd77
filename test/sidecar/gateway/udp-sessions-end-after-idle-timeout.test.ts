// A UDP session ends after the idle timeout without a datagram either way: its upstream socket is
// closed (the client's next datagram comes from a new source port), while traffic keeps it alive.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { UdpRouteTable } from '../../../src/ir/index.js';
import { UdpPort } from '../../../sidecar/gateway/udp.js';
import { backend, Closer, depsFor, meshOf, metricValue, ruleOf, udpClient, udpEcho, waitFor } from './l4-harness.js';

const closer = new Closer();
after(() => closer.closeAll());

const id = ruleOf('UDPRoute', 'stats');
const table: UdpRouteTable = { kind: 'udp', routes: [id.route], rule: { id, backends: [backend('stats', 8125)] } };

test('a quiet session is closed after the timeout and the next datagram opens a new one', { timeout: 10_000 }, async () => {
  const echo = await udpEcho(closer, 's');
  const deps = depsFor(meshOf([{ name: 'stats', port: 8125, transport: 'UDP', endpointPorts: [echo.port] }]));
  const udp = new UdpPort({ ...deps, idleTimeoutMs: 150 });
  closer.add(() => udp.close());
  udp.apply(table, 150);
  const { port } = await udp.listen('127.0.0.1', 0);
  const client = await udpClient(closer, port);

  assert.equal((await client.ask('one')).toString(), 's:one');
  assert.equal(udp.sessions, 1);
  const started = Date.now();
  await waitFor(() => udp.sessions === 0);
  assert.ok(Date.now() - started >= 100, 'not closed long before the timeout');
  assert.equal(await metricValue(deps.metrics, 'sidelane_udp_sessions_active{direction="gateway",backend="apps/stats:8125"}'), 0);

  assert.equal((await client.ask('two')).toString(), 's:two');
  assert.equal(echo.sources.length, 2, 'the old upstream socket is gone: a new source port');
  assert.equal(await metricValue(deps.metrics, 'sidelane_udp_sessions_opened_total{direction="gateway",backend="apps/stats:8125"}'), 2);
});

test('traffic within the timeout keeps the session and its upstream socket', { timeout: 10_000 }, async () => {
  const echo = await udpEcho(closer, 's');
  const deps = depsFor(meshOf([{ name: 'stats', port: 8125, transport: 'UDP', endpointPorts: [echo.port] }]));
  const udp = new UdpPort({ ...deps, idleTimeoutMs: 200 });
  closer.add(() => udp.close());
  udp.apply(table, 200);
  const { port } = await udp.listen('127.0.0.1', 0);
  const client = await udpClient(closer, port);
  for (let i = 0; i < 6; i++) {
    assert.equal((await client.ask(`n${String(i)}`)).toString(), `s:n${String(i)}`);
    await sleep(80);
  }
  assert.equal(udp.sessions, 1);
  assert.equal(echo.sources.length, 1, 'one session for ~500 ms of traffic with a 200 ms timeout');
});

test('a shorter timeout applied later also ends existing sessions sooner', { timeout: 10_000 }, async () => {
  const echo = await udpEcho(closer, 's');
  const deps = depsFor(meshOf([{ name: 'stats', port: 8125, transport: 'UDP', endpointPorts: [echo.port] }]));
  const udp = new UdpPort({ ...deps, idleTimeoutMs: 60_000 });
  closer.add(() => udp.close());
  udp.apply(table, 60_000);
  const { port } = await udp.listen('127.0.0.1', 0);
  const client = await udpClient(closer, port);
  await client.ask('hi');
  udp.apply(table, 100);
  await waitFor(() => udp.sessions === 0, 1000);
});
