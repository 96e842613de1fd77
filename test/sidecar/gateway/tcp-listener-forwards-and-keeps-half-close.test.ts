// A gateway TCP listener sends each connection to its TCPRoute's backend with the half-close
// carried through, and resets connections it has nowhere to send (no route, invalid backend,
// no endpoint), as the spec's "reject the connection" for TCP.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import type { L4BackendIR, TcpRouteTable } from '../../../src/ir/index.js';
import { forwardTcp } from '../../../sidecar/gateway/l4-forward.js';
import { closeOutcome, listen, readToEnd, Tracker } from '../protocol/tcp-harness.js';
import { backend, depsFor, meshOf, metricValue, ruleOf, waitFor, type TestDeps } from './l4-harness.js';

const tracker = new Tracker();
after(() => tracker.closeAll());

const id = ruleOf('TCPRoute', 'postgres');
const tableTo = (...backends: L4BackendIR[]): TcpRouteTable => ({ kind: 'tcp', routes: [id.route], rule: { id, backends } });

/** A gateway TCP listener (port 5432 in the Gateway) on a port of its own. */
async function gatewayPort(table: TcpRouteTable | undefined, deps: TestDeps): Promise<number> {
  return listen(tracker.server((socket) => {
    forwardTcp(socket, Buffer.alloc(0), 5432, table, deps);
  }));
}

test('the client half-closes; the backend answers after the FIN and the client reads it all', { timeout: 5000 }, async () => {
  const upstream = tracker.server((socket) => {
    void readToEnd(socket).then((request) => socket.end(`got ${request.toString()}`));
  });
  const deps = depsFor(meshOf([{ name: 'db', port: 5432, transport: 'TCP', endpointPorts: [await listen(upstream)] }]));
  const client = await tracker.connect(await gatewayPort(tableTo(backend('db', 5432)), deps));
  const response = readToEnd(client);
  client.write('select ');
  client.end('1');
  assert.equal((await response).toString(), 'got select 1');
  const backendLabel = 'direction="gateway",backend="apps/db:5432"';
  await waitFor(async () => (await metricValue(deps.metrics, `sidelane_tcp_connections_active{${backendLabel}}`)) === 0);
  assert.equal(await metricValue(deps.metrics, `sidelane_tcp_bytes_total{${backendLabel},flow="sent"}`), 'select 1'.length);
  assert.equal(await metricValue(deps.metrics, `sidelane_tcp_bytes_total{${backendLabel},flow="received"}`), 'got select 1'.length);
});

test('the backend speaks first and ends first; the client can still send', { timeout: 5000 }, async () => {
  let heard: (bytes: Buffer) => void = () => undefined;
  const upstreamHeard = new Promise<Buffer>((resolve) => (heard = resolve));
  const upstream = tracker.server((socket) => {
    socket.end('greeting');
    void readToEnd(socket).then(heard);
  });
  const deps = depsFor(meshOf([{ name: 'db', port: 5432, transport: 'TCP', endpointPorts: [await listen(upstream)] }]));
  const client = await tracker.connect(await gatewayPort(tableTo(backend('db', 5432)), deps));
  assert.equal((await readToEnd(client)).toString(), 'greeting');
  client.end('bye');
  assert.equal((await upstreamHeard).toString(), 'bye');
});

test('no TCPRoute, an invalid backend or a backend without endpoints: the connection is reset', { timeout: 5000 }, async () => {
  const deps = depsFor(meshOf([{ name: 'empty', port: 5432, transport: 'TCP', endpointPorts: [] }]));
  const invalid: L4BackendIR = { kind: 'Invalid', weight: 1, reason: 'BackendNotFound', message: 'no Service apps/nope' };
  for (const table of [undefined, tableTo(invalid), tableTo(backend('empty', 5432))]) {
    // The reset may come before the client even sees its connect complete.
    const client = tracker.socket(net.connect({ host: '127.0.0.1', port: await gatewayPort(table, deps) }));
    const outcome = await closeOutcome(client);
    assert.equal(outcome?.code, 'ECONNRESET', `reset for ${table ? JSON.stringify(table.rule.backends[0]) : 'no table'}`);
  }
});
