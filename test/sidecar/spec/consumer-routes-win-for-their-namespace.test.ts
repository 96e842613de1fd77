// Producer and consumer routes (GEP-1426 "Namespace boundaries", conformance MeshConsumerRoute):
// a route in the Service's namespace (producer) applies to clients from every namespace; a route
// in another namespace (consumer) applies only to clients in its own namespace, and for them it
// replaces the producer routes: the two sets are not merged, so a request the consumer routes do
// not match is rejected (404) even though a producer route would match it.
// The proxy's namespace is the client's (`--namespace`), so each client namespace gets its own mesh.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata: {name: frontend}
---
apiVersion: v1
kind: Namespace
metadata: {name: elsewhere}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: producer, namespace: backend}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, port: 80}]
  rules:
  - filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: X-Route, value: producer}]}}]
    backendRefs: [{name: echo-v1, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: consumer, namespace: frontend}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, namespace: backend, port: 80}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /app}}]
    filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: X-Route, value: consumer}]}}]
    backendRefs: [{name: echo-v2, namespace: backend, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: consumer-elsewhere, namespace: elsewhere}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, namespace: backend, port: 80}]
  rules:
  - filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: X-Route, value: elsewhere}]}}]
    backendRefs: [{name: echo-v3, namespace: backend, port: 80}]`;

async function meshFor(clientNamespace: string): Promise<SpecMesh> {
  return startSpecMesh({
    echoes: ['echo-v1', 'echo-v2', 'echo-v3'],
    namespace: 'backend',
    manifests: MANIFESTS,
    flags: { namespace: clientNamespace },
  });
}

async function routeSeen(spec: SpecMesh, path: string, host = 'echo.backend'): Promise<{ status: number; route: unknown; backend: string | undefined }> {
  const res = await spec.get(path, { host });
  return { status: res.status, route: res.headers['x-route'], backend: res.json?.name };
}

describe('a client in the consumer route’s namespace', () => {
  let spec: SpecMesh;
  before(async () => {
    spec = await meshFor('frontend');
  });
  after(() => spec.close());

  test('MeshConsumerRoute: its request is shaped by the consumer route', async () => {
    assert.deepEqual(await routeSeen(spec, '/app'), { status: 200, route: 'consumer', backend: 'echo-v2' });
    assert.deepEqual(await routeSeen(spec, '/app/x', 'echo.backend.svc.cluster.local'), { status: 200, route: 'consumer', backend: 'echo-v2' });
  });

  test('the producer routes are not merged in: what the consumer routes do not match is a 404', async () => {
    const res = await spec.get('/other', { host: 'echo.backend' });
    assert.equal(res.status, 404);
    assert.equal(res.headers[ERROR_HEADER], ProxyErrorCode.NoRoute);
  });
});

const OTHERS: [clientNamespace: string, route: string, backend: string][] = [
  ['backend', 'producer', 'echo-v1'],
  ['other', 'producer', 'echo-v1'],
  ['elsewhere', 'elsewhere', 'echo-v3'],
];

for (const [clientNamespace, route, backend] of OTHERS) {
  describe(`a client in namespace ${clientNamespace}`, () => {
    let spec: SpecMesh;
    before(async () => {
      spec = await meshFor(clientNamespace);
    });
    after(() => spec.close());

    test(`MeshConsumerRoute: gets the ${route} route, untouched by the other namespaces' consumer routes`, async () => {
      assert.deepEqual(await routeSeen(spec, '/app'), { status: 200, route, backend });
      assert.deepEqual(await routeSeen(spec, '/other'), { status: 200, route, backend });
      if (clientNamespace === 'backend') {
        // The short name resolves in the client's own namespace.
        assert.deepEqual(await routeSeen(spec, '/x', 'echo'), { status: 200, route, backend });
      }
    });
  });
}
