// What backendRefs of a Gateway's route reach: a Service of any type (ClusterIP, headless, one
// whose EndpointSlices were written by hand: HTTPRouteServiceTypes); a backendRef that cannot
// resolve (missing Service, unknown kind, a port the Service lacks) is answered 500 and reported
// as ResolvedRefs=False (BackendNotFound / InvalidKind) with the route still Accepted
// (HTTPRouteInvalidNonExistentBackendRef, HTTPRouteInvalidBackendRefUnknownKind); a Service
// without ready endpoints is answered 503.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { serviceYaml } from '../../support/mesh.js';
import { conditionsOf, gatewayParent, startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

function route(name: string, backendRef: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: same-namespace}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /${name}}}]
    backendRefs: [${backendRef}]`;
}

describe('backendRefs of a Gateway route', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({
      echoes: ['infra-backend-v1'],
      manifests: (echo) =>
        [
          serviceYaml({ name: 'headless', clusterIP: 'None', port: 8080, backends: [echo('infra-backend-v1')] }),
          serviceYaml({ name: 'manual-endpoints', clusterIP: '10.96.0.50', port: 8080, backends: [echo('infra-backend-v1')] }),
          serviceYaml({ name: 'not-ready', port: 8080, backends: [{ ...echo('infra-backend-v1'), ready: false }] }),
          serviceYaml({ name: 'no-endpoints', port: 8080, backends: [] }),
          `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: same-namespace}
spec:
  gatewayClassName: sidelane
  listeners: [{name: http, port: 80, protocol: HTTP}]`,
          route('cluster-ip', '{name: infra-backend-v1, port: 8080}'),
          route('headless', '{name: headless, port: 8080}'),
          route('manual-endpoints', '{name: manual-endpoints, port: 8080}'),
          route('missing-service', '{name: does-not-exist, port: 8080}'),
          route('unknown-kind', '{group: unknown.example.com, kind: Unknown, name: infra-backend-v1, port: 8080}'),
          route('not-ready', '{name: not-ready, port: 8080}'),
          route('no-endpoints', '{name: no-endpoints, port: 8080}'),
        ].join('\n---\n'),
    });
  });
  after(() => gw.close());

  const resolvedRefs = (name: string): string | undefined =>
    conditionsOf(gatewayParent(gw.statusOf('HTTPRoute', 'default', name), 'same-namespace')?.conditions)['ResolvedRefs'];
  const accepted = (name: string): string | undefined =>
    conditionsOf(gatewayParent(gw.statusOf('HTTPRoute', 'default', name), 'same-namespace')?.conditions)['Accepted'];

  test('HTTPRouteServiceTypes: ClusterIP, headless and hand-written endpoints all reach the backend', async () => {
    for (const name of ['cluster-ip', 'headless', 'manual-endpoints']) {
      const res = await gw.get(`/${name}`);
      assert.equal(res.status, 200, `${name}: ${res.body}`);
      assert.equal(res.json?.name, 'infra-backend-v1', name);
      assert.equal(resolvedRefs(name), 'True/ResolvedRefs', name);
    }
  });

  const invalid: [name: string, reason: string][] = [
    ['missing-service', 'BackendNotFound'],
    ['unknown-kind', 'InvalidKind'],
  ];
  for (const [name, reason] of invalid) {
    test(`${name}: 500, ResolvedRefs=False ${reason}, still Accepted`, async () => {
      const res = await gw.get(`/${name}`);
      assert.equal(res.status, 500, res.body);
      assert.equal(res.headers[ERROR_HEADER], ProxyErrorCode.InvalidBackend);
      assert.equal(resolvedRefs(name), `False/${reason}`);
      assert.equal(accepted(name), 'True/Accepted');
    });
  }

  test('a Service without ready endpoints → 503', async () => {
    for (const name of ['not-ready', 'no-endpoints']) {
      const res = await gw.get(`/${name}`);
      assert.equal(res.status, 503, `${name}: ${res.body}`);
      assert.equal(res.headers[ERROR_HEADER], ProxyErrorCode.NoHealthyEndpoint, name);
    }
  });
});
