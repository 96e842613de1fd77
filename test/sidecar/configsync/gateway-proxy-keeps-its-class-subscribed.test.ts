// A gateway proxy's config client subscribes `gateway:<class>` in its Hello (no `inbound`: a
// gateway has no inbound side), gets a MeshIR with its class that validate() accepts, and keeps
// the class however long it goes unused: the idle sweep only drops on-demand destinations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { ConfigServer } from '../../../src/configsync/server.js';
import { irVersion, normalize, validate, type GatewayClassIR, type MeshIR } from '../../../src/ir/index.js';
import { ConfigClient } from '../../../sidecar/configsync/client.js';
import { configFrom, shopYaml } from '../../configsync/configsync-fixture.js';

const IDLE_MS = 40;
const route = { kind: 'TCPRoute', namespace: 'edge', name: 'to-cart' } as const;

function gatewayClass(port: number): GatewayClassIR {
  return {
    name: 'sidelane',
    ports: [{
      port,
      kind: 'tcp',
      listener: { gateway: { namespace: 'edge', name: 'public' }, name: 'raw' },
      table: { kind: 'tcp', routes: [route], rule: { id: { route, index: 0 }, backends: [{ kind: 'Service', service: { namespace: 'shop', name: 'cart' }, port: 80, weight: 1 }] } },
    }],
  };
}

function published(port: number): { ir: MeshIR; version: string } {
  const ir = normalize({ ...configFrom(shopYaml()).ir, gateways: [gatewayClass(port)] });
  return { ir, version: irVersion(ir) };
}

async function subscriptionsAtServer(server: ConfigServer): Promise<number> {
  const text = await server.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith('sidelane_configsync_subscriptions '));
  return Number(line?.split(' ')[1]);
}

test('the class is subscribed from the Hello, applied, and never dropped as idle', { timeout: 10_000 }, async () => {
  const log = pino({ level: 'silent' });
  const server = new ConfigServer({ log, closeGraceMs: 200 });
  const { port } = await server.listen('127.0.0.1:0');
  server.publish(published(9000));
  const applied: MeshIR[] = [];
  const client = new ConfigClient({
    targets: [`127.0.0.1:${port}`],
    identity: { pod: 'gw-0', namespace: 'edge', serviceAccount: 'sidelane-gateway', node: 'n', podIps: ['10.244.9.9'], kind: 'gateway' },
    subscriptions: ['gateway:sidelane'],
    apply: (ir, version) => {
      const problems = validate(ir);
      if (problems.length > 0) return { applied: false, reason: JSON.stringify(problems) };
      applied.push(ir);
      return { applied: true, version };
    },
    log,
    idleMs: IDLE_MS,
  });
  try {
    client.start();
    assert.equal(await client.whenApplied(3000), true);
    assert.deepEqual(applied.at(-1)?.gateways, [gatewayClass(9000)]);
    assert.deepEqual(applied.at(-1)?.services.map((s) => `${s.ref.namespace}/${s.ref.name}`), ['shop/cart']);
    assert.equal(await subscriptionsAtServer(server), 1, 'gateway:sidelane only, no inbound');
    assert.deepEqual(client.subscriptions(), [], 'nothing on demand');

    // Many idle sweeps later the class is still held: a change to it still arrives.
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS * 8));
    server.publish(published(9001));
    const deadline = Date.now() + 3000;
    while (applied.at(-1)?.gateways?.[0]?.ports[0]?.port !== 9001) {
      assert.ok(Date.now() < deadline, 'the changed class did not arrive');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(await subscriptionsAtServer(server), 1);
  } finally {
    await client.close();
    await server.close();
  }
});
