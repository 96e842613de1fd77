// The bound ports follow the applied config: a port gone from it stops accepting while a request
// in flight on it finishes, a new port starts serving, an unchanged port keeps its connections. A
// port that cannot be bound is logged and counted, the others are served, and a later config binds
// it once it is free.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import type { GatewayPortIR, MeshIR } from '../../../src/ir/index.js';
import type { GatewayProxy } from '../../../sidecar/gateway/gateway.js';
import {
  applyAndSettle,
  boundPort,
  Closer,
  echo,
  freePort,
  gatewayClass,
  httpListener,
  listenerRef,
  meshIR,
  request,
  routeTo,
  startGateway,
  type Backend,
} from './gateway-harness.js';

const closer = new Closer();
after(() => closer.closeAll());

let proxy: GatewayProxy;
let backends: Backend[];

function httpPort(port: number): GatewayPortIR {
  return { port, kind: 'http', listeners: [httpListener(`http-${String(port)}`, '*', [{ hostname: '*', table: routeTo('web', 'web', 80) }])] };
}

function configWith(ports: GatewayPortIR[]): MeshIR {
  return meshIR(backends, gatewayClass(ports));
}

before(async () => {
  const web = await echo(closer, 'web');
  backends = [{ name: 'web', port: 80, endpointPort: web.address.port }];
  proxy = await startGateway(closer);
});

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ECONNREFUSED');
    });
  });
}

async function bindFailures(port: number): Promise<number> {
  const text = await proxy.metrics.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`sidelane_gateway_port_bind_failures_total{port="${String(port)}",transport="TCP"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

test('a removed port stops accepting after its request in flight; an added port serves', { timeout: 15_000 }, async () => {
  const [first, second, udp] = [await freePort(), await freePort(), await freePort()];
  await applyAndSettle(proxy, configWith([httpPort(first)]), 'v1');
  assert.equal(boundPort(proxy, first), first);
  assert.equal((await request(first, { host: 'shop.test' })).status, 200);

  const inFlight = new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: first, path: '/', headers: { host: 'shop.test', 'x-echo-delay-ms': '400' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve(res.statusCode ?? 0);
      });
    });
    req.on('error', reject);
    req.end();
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await applyAndSettle(proxy, configWith([httpPort(second), { port: udp, kind: 'udp', listener: listenerRef('dns') }]), 'v2');

  assert.ok(await refused(first), 'the removed port no longer accepts');
  assert.equal(await inFlight, 200, 'the request in flight on the removed port finished');
  assert.equal(proxy.boundPorts().has(first), false);
  assert.equal((await request(second, { host: 'shop.test' })).echo?.name, 'web');
  assert.deepEqual(proxy.boundPorts().get(udp), { host: '127.0.0.1', port: udp, transport: 'UDP' });
});

test('a port that cannot be bound is counted and retried; the other ports serve, unchanged ones keep their connections', { timeout: 15_000 }, async () => {
  const [kept, busy] = [await freePort(), await freePort()];
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(busy, '127.0.0.1', resolve));
  closer.add(() => new Promise<void>((resolve) => {
    squatter.close(() => {
      resolve();
    });
  }));

  await applyAndSettle(proxy, configWith([httpPort(kept)]), 'v3');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  closer.add(() => {
    agent.destroy();
  });
  assert.equal((await request(kept, { host: 'shop.test', agent })).status, 200);
  const connection = Object.values(agent.freeSockets).flat()[0];

  await applyAndSettle(proxy, configWith([httpPort(kept), httpPort(busy)]), 'v4');
  assert.equal(proxy.boundPorts().has(busy), false);
  assert.equal(await bindFailures(busy), 1);
  assert.equal((await request(kept, { host: 'shop.test', agent })).status, 200);

  await new Promise<void>((resolve) => {
    squatter.close(() => {
      resolve();
    });
  });
  await applyAndSettle(proxy, configWith([httpPort(kept), httpPort(busy)]), 'v5');
  assert.equal(boundPort(proxy, busy), busy, 'the next config binds the port once it is free');
  assert.equal((await request(busy, { host: 'shop.test' })).echo?.name, 'web');
  assert.equal((await request(kept, { host: 'shop.test', agent })).status, 200);
  assert.deepEqual(Object.values(agent.freeSockets).flat(), [connection], 'the unchanged port kept its connection');
});
