// parentRef.port on a Service parent (GEP-1426 "Ports", conformance MeshPorts): with a port the
// route binds to that Service port only; without one it binds to every port of the Service.
// Services with two ports (80 and 8080), both served by the same echo.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

function twoPortService(name: string, backend: { host: string; port: number }): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}, {name: alt, port: 8080, targetPort: 8081}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-0, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
ports: [{name: http, port: ${backend.port}, protocol: TCP}, {name: alt, port: ${backend.port}, protocol: TCP}]
endpoints: [{addresses: ["${backend.host}"], conditions: {ready: true}}]`;
}

function headerRoute(name: string, service: string, port: number | undefined, value: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{group: "", kind: Service, name: ${service}${port === undefined ? '' : `, port: ${port}`}}]
  rules:
  - filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: X-Header-Set, value: ${value}}]}}]
    backendRefs: [{name: ${service}, port: ${port ?? 80}}]`;
}

describe('parentRef port', () => {
  let spec: SpecMesh;
  before(async () => {
    spec = await startSpecMesh({
      echoes: ['echo-v1'],
      manifests: (echoAddress) =>
        [
          twoPortService('multi-v1', echoAddress('echo-v1')),
          twoPortService('multi-v2', echoAddress('echo-v1')),
          twoPortService('multi-v3', echoAddress('echo-v1')),
          headerRoute('port-80', 'multi-v1', 80, 'v1'),
          headerRoute('no-port', 'multi-v2', undefined, 'v2'),
          headerRoute('port-8080', 'multi-v3', 8080, 'v3'),
        ].join('\n---\n'),
    });
  });
  after(() => spec.close());

  async function headerFor(host: string): Promise<unknown> {
    const res = await spec.get('/', { host });
    assert.equal(res.status, 200, `${host}: ${res.body}`);
    assert.equal(res.json?.name, 'echo-v1');
    return res.headers['x-header-set'];
  }

  test('MeshPorts: explicit port 80, request to port 80: the route applies', async () => {
    assert.equal(await headerFor('multi-v1'), 'v1');
    assert.equal(await headerFor('multi-v1:80'), 'v1');
  });

  test('MeshPorts: explicit port 80, request to port 8080: the route does not apply', async () => {
    assert.equal(await headerFor('multi-v1:8080'), undefined);
  });

  test('MeshPorts: no port: the route applies to every port', async () => {
    assert.equal(await headerFor('multi-v2'), 'v2');
    assert.equal(await headerFor('multi-v2:8080'), 'v2');
  });

  test('a route bound to port 8080 leaves port 80 of the same Service alone', async () => {
    assert.equal(await headerFor('multi-v3:8080'), 'v3');
    assert.equal(await headerFor('multi-v3'), undefined);
  });
});
