// New UDP sessions are spread over a UDPRoute's backends by weight (each session keeps the backend
// it got), and a new config changes where new sessions go while existing ones stay put.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { UdpRouteTable } from '../../../src/ir/index.js';
import { UdpPort } from '../../../sidecar/gateway/udp.js';
import { backend, Closer, cycle, depsFor, meshOf, ruleOf, udpClient, udpEcho } from './l4-harness.js';

const closer = new Closer();
after(() => closer.closeAll());

const id = ruleOf('UDPRoute', 'game');
const table = (...backends: ReturnType<typeof backend>[]): UdpRouteTable => ({ kind: 'udp', routes: [id.route], rule: { id, backends } });

test('weights 1:3 send a quarter of the sessions to blue and the rest to green', { timeout: 10_000 }, async () => {
  const blue = await udpEcho(closer, 'blue');
  const green = await udpEcho(closer, 'green');
  const ir = meshOf([
    { name: 'blue', port: 7777, transport: 'UDP', endpointPorts: [blue.port] },
    { name: 'green', port: 7777, transport: 'UDP', endpointPorts: [green.port] },
  ]);
  // Evenly spaced points over [0, 1): exactly the weights' proportions.
  const deps = depsFor(ir, cycle([0.0625, 0.1875, 0.3125, 0.4375, 0.5625, 0.6875, 0.8125, 0.9375]));
  const udp = new UdpPort({ ...deps, idleTimeoutMs: 60_000 });
  closer.add(() => udp.close());
  udp.apply(table(backend('blue', 7777, 1), backend('green', 7777, 3)), 60_000);
  const { port } = await udp.listen('127.0.0.1', 0);

  const answers: string[] = [];
  for (let i = 0; i < 8; i++) {
    const client = await udpClient(closer, port);
    const first = (await client.ask('hello')).toString();
    // Later datagrams of a session stay with its backend.
    assert.equal((await client.ask('again')).toString(), first.replace('hello', 'again'));
    answers.push(first.split(':')[0] ?? '');
  }
  assert.equal(answers.filter((a) => a === 'blue').length, 2);
  assert.equal(answers.filter((a) => a === 'green').length, 6);
  assert.equal(blue.sources.length, 2);
  assert.equal(green.sources.length, 6);
});

test('after apply, new sessions use the new table and existing sessions keep their backend', { timeout: 10_000 }, async () => {
  const blue = await udpEcho(closer, 'blue');
  const green = await udpEcho(closer, 'green');
  const ir = meshOf([
    { name: 'blue', port: 7777, transport: 'UDP', endpointPorts: [blue.port] },
    { name: 'green', port: 7777, transport: 'UDP', endpointPorts: [green.port] },
  ]);
  const deps = depsFor(ir);
  const udp = new UdpPort({ ...deps, idleTimeoutMs: 60_000 });
  closer.add(() => udp.close());
  udp.apply(table(backend('blue', 7777)), 60_000);
  const { port } = await udp.listen('127.0.0.1', 0);

  const early = await udpClient(closer, port);
  assert.equal((await early.ask('x')).toString(), 'blue:x');
  udp.apply(table(backend('green', 7777)), 60_000);
  const late = await udpClient(closer, port);
  assert.equal((await late.ask('y')).toString(), 'green:y');
  assert.equal((await early.ask('z')).toString(), 'blue:z');

  const routeDeleted: UdpRouteTable | undefined = undefined;
  udp.apply(routeDeleted, 60_000);
  assert.equal((await early.ask('still')).toString(), 'blue:still', 'a session outlives its route until idle');
});
