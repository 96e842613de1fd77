// A gateway proxy's store: held `gateway/<class>` resources become MeshIR.gateways (sorted by name,
// absent when none), the Services a gateway destination lists are backends (held without their
// route tables, so the partial IR validates), and a class body must be the class its name says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyVersion, destinationResourceName, encodeBody, endpointsResourceName, gatewayResourceName, serviceResourceName } from '../../../src/configsync/resources.js';
import { normalize, validate, type GatewayClassIR, type MeshIR } from '../../../src/ir/index.js';
import { MalformedDeltaError, ResourceStore, type IncomingResource } from '../../../sidecar/configsync/store.js';
import { configFrom, shopYaml } from '../../configsync/configsync-fixture.js';

function resource(name: string, value: unknown): IncomingResource {
  const body = encodeBody(value);
  return { name, version: bodyVersion(body), body };
}

const route = { kind: 'TCPRoute', namespace: 'edge', name: 'to-cart' } as const;

/** A TCP listener sending to shop/cart, whose own (producer and consumer) routes name other Services. */
function gatewayClass(name: string): GatewayClassIR {
  return {
    name,
    ports: [{
      port: 9000,
      kind: 'tcp',
      listener: { gateway: { namespace: 'edge', name: 'public' }, name: 'raw' },
      table: { kind: 'tcp', routes: [route], rule: { id: { route, index: 0 }, backends: [{ kind: 'Service', service: { namespace: 'shop', name: 'cart' }, port: 80, weight: 1 }] } },
    }],
  };
}

function cartResources(ir: MeshIR): IncomingResource[] {
  const ref = { namespace: 'shop', name: 'cart' };
  return [
    resource(serviceResourceName(ref), ir.services.find((s) => s.ref.name === 'cart')),
    resource(endpointsResourceName(ref), ir.endpoints.find((e) => e.service.name === 'cart')),
  ];
}

test('held classes become gateways, sorted; their backends lose their own routes; the IR validates', () => {
  const ir = normalize(configFrom(shopYaml()).ir);
  const store = new ResourceStore();
  store.update([
    resource(gatewayResourceName('zeta'), gatewayClass('zeta')),
    resource(gatewayResourceName('alpha'), gatewayClass('alpha')),
    resource(destinationResourceName('gateway:alpha'), { services: ['shop/cart'] }),
    ...cartResources(ir),
  ], []);
  const partial = store.meshIR('cluster.local');
  assert.deepEqual(partial.gateways?.map((c) => c.name), ['alpha', 'zeta']);
  assert.equal(partial.services[0]?.ports[0]?.producer, undefined, "cart's routes (to cart-v1) are not the gateway's concern");
  assert.deepEqual(validate(partial), []);

  store.update([], [gatewayResourceName('alpha'), gatewayResourceName('zeta')]);
  assert.equal('gateways' in store.meshIR('cluster.local'), false, 'absent, not empty, when no class is held');
});

test('a class body for another class, or a class name with a slash, is malformed', () => {
  const store = new ResourceStore();
  for (const bad of [resource(gatewayResourceName('a'), gatewayClass('b')), resource('gateway/a/b', gatewayClass('a/b')), resource(gatewayResourceName('a'), [])]) {
    assert.throws(() => { store.clone().update([bad], []); }, MalformedDeltaError, bad.name);
  }
});
