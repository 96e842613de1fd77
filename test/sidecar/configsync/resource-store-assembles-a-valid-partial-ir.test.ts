// The proxy's resource store: deltas go to a copy (a refused one leaves the store untouched), the
// held Services and endpoint sets make a MeshIR that validate() accepts (sorted as normalize()
// sorts), and a Service held only as another's backend carries no route tables (they may name
// Services this proxy was never sent). Unreadable resources are errors, never partial effects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyVersion, destinationResourceName, encodeBody, endpointsResourceName, serviceResourceName } from '../../../src/configsync/resources.js';
import { validate, type MeshIR, type ServiceRef } from '../../../src/ir/index.js';
import { MalformedDeltaError, ResourceStore, type IncomingResource } from '../../../sidecar/configsync/store.js';
import { serviceYaml } from '../../support/mesh.js';
import { translateManifests } from './on-demand-harness.js';

const route = (from: string, to: string): string => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${from}-to-${to}}
spec:
  parentRefs: [{group: "", kind: Service, name: ${from}, port: 80}]
  rules:
  - backendRefs: [{name: ${to}, port: 80}]`;

/** x routes to y, y routes to z: a proxy asking for x is sent x and its backend y, not z. */
async function chain(): Promise<MeshIR> {
  const backends = [{ host: '127.0.0.1', port: 9 }];
  const docs = ['x', 'y', 'z'].map((name) => serviceYaml({ name, backends }));
  const { ir } = await translateManifests([...docs, route('x', 'y'), route('y', 'z')].join('\n---\n'));
  return ir;
}

function resource(name: string, value: unknown): IncomingResource {
  const body = encodeBody(value);
  return { name, version: bodyVersion(body), body };
}

function resourcesOf(ir: MeshIR, names: string[]): IncomingResource[] {
  const out: IncomingResource[] = [];
  for (const name of names) {
    const ref: ServiceRef = { namespace: 'default', name };
    out.push(resource(serviceResourceName(ref), ir.services.find((s) => s.ref.name === name)));
    out.push(resource(endpointsResourceName(ref), ir.endpoints.find((e) => e.service.name === name)));
  }
  return out;
}

test('a backend-only Service loses its route tables, so the partial IR validates', async () => {
  const ir = await chain();
  const store = new ResourceStore();
  // Pushed in an order unlike the IR's: the store sorts.
  store.update([resource(destinationResourceName('host:x'), { services: ['default/x'] }), ...resourcesOf(ir, ['y', 'x'])], []);
  const partial = store.meshIR('cluster.local');
  assert.deepEqual(validate(partial), []);
  assert.deepEqual(partial.services.map((s) => s.ref.name), ['x', 'y']);
  assert.ok(partial.services[0]?.ports[0]?.producer, 'x keeps its routes');
  assert.equal(partial.services[1]?.ports[0]?.producer, undefined, "y's routes (to z) are dropped");

  // Once y is addressed itself, its routes matter, and z comes with them.
  store.update([resource(destinationResourceName('host:y'), { services: ['default/y'] }), ...resourcesOf(ir, ['z'])], []);
  const wider = store.meshIR('cluster.local');
  assert.deepEqual(validate(wider), []);
  assert.ok(wider.services[1]?.ports[0]?.producer, 'y has its routes again');
});

test('a delta applied to a clone leaves the original as it was; removals drop resources', async () => {
  const ir = await chain();
  const store = new ResourceStore();
  store.update(resourcesOf(ir, ['x']), []);
  const copy = store.clone();
  copy.update(resourcesOf(ir, ['y']), [serviceResourceName({ namespace: 'default', name: 'x' })]);
  assert.deepEqual(Object.keys(store.versions()).sort(), ['endpoints/default/x', 'service/default/x']);
  assert.deepEqual(Object.keys(copy.versions()).sort(), ['endpoints/default/x', 'endpoints/default/y', 'service/default/y']);
  assert.equal(copy.has('service/default/x'), false);
  assert.equal(store.size, 2);
});

test('unreadable resources are refused as malformed', () => {
  const store = new ResourceStore();
  const cases: IncomingResource[] = [
    resource('service/no-namespace', {}),
    resource('widget/default/x', {}),
    { name: 'service/default/x', version: 'v', body: Buffer.from('{"ref":') },
    resource('service/default/x', [1, 2]),
    resource('service/default/x', { ref: { namespace: 'default', name: 'other' } }),
    resource('endpoints/default/x', { service: 'default/x' }),
    resource('destination/host:x', { services: [1] }),
  ];
  for (const bad of cases) {
    assert.throws(() => { store.clone().update([bad], []); }, MalformedDeltaError, bad.name);
  }
  assert.equal(store.size, 0);
});
