// A Gateway's route may send to a Service of another namespace only when a ReferenceGrant in that
// namespace allows it (from HTTPRoute of the route's namespace, to that Service or all Services).
// Without one the backendRef is refused: its share of requests is answered 500, and the route's
// status says ResolvedRefs=False RefNotPermitted while staying Accepted. A grant added later takes
// effect live. Cases from the conformance tests HTTPRouteInvalidCrossNamespaceBackendRef,
// HTTPRouteReferenceGrant and HTTPRoutePartiallyInvalidViaInvalidReferenceGrant.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { conditionsOf, gatewayParent, startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

const INFRA = 'gateway-conformance-infra';
const WEB = 'gateway-conformance-web-backend';

function route(name: string, backendRefs: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${INFRA}}
spec:
  parentRefs: [{name: same-namespace}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /${name}}}]
    backendRefs: ${backendRefs}`;
}

function grant(name: string, fromKind: string, fromNamespace: string, to: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: ${name}, namespace: ${WEB}}
spec:
  from: [{group: gateway.networking.k8s.io, kind: ${fromKind}, namespace: ${fromNamespace}}]
  to: [{group: "", kind: Service${to === '' ? '' : `, name: ${to}`}}]`;
}

function manifests(extra: string[] = []): string {
  return [
    `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: same-namespace, namespace: ${INFRA}}
spec:
  gatewayClassName: sidelane
  listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}}]`,
    grant('reference-grant', 'HTTPRoute', INFRA, 'web-backend'),
    grant('grant-for-grpcroutes', 'GRPCRoute', INFRA, ''),
    grant('grant-for-another-namespace', 'HTTPRoute', 'somewhere-else', ''),
    route('invalid-cross-namespace-backend-ref', `[{name: web-backend-2, namespace: ${WEB}, port: 8080}]`),
    route('reference-grant', `[{name: web-backend, namespace: ${WEB}, port: 8080}]`),
    route('partially-invalid', `[{name: infra-backend-v1, port: 8080, weight: 50}, {name: web-backend-2, namespace: ${WEB}, port: 8080, weight: 50}]`),
    ...extra,
  ].join('\n---\n');
}

describe('cross-namespace backendRefs and ReferenceGrant', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({
      echoes: [`${INFRA}/infra-backend-v1`, `${WEB}/web-backend`, `${WEB}/web-backend-2`],
      manifests: manifests(),
    });
  });
  after(() => gw.close());

  function routeConditions(name: string): Record<string, string> {
    return conditionsOf(gatewayParent(gw.statusOf('HTTPRoute', INFRA, name), 'same-namespace')?.conditions);
  }

  test('HTTPRouteInvalidCrossNamespaceBackendRef: no grant for that Service → 500, nothing reaches it', async () => {
    const before = gw.echoes[`${WEB}/web-backend-2`]?.log.length;
    for (let i = 0; i < 5; i++) {
      const res = await gw.get('/invalid-cross-namespace-backend-ref');
      assert.equal(res.status, 500, res.body);
      assert.equal(res.headers[ERROR_HEADER], ProxyErrorCode.InvalidBackend);
    }
    assert.equal(gw.echoes[`${WEB}/web-backend-2`]?.log.length, before);
  });

  test('… and the route is Accepted with ResolvedRefs=False RefNotPermitted', () => {
    const conditions = routeConditions('invalid-cross-namespace-backend-ref');
    assert.equal(conditions['Accepted'], 'True/Accepted');
    assert.equal(conditions['ResolvedRefs'], 'False/RefNotPermitted');
  });

  test('HTTPRouteReferenceGrant: a grant naming the Service lets the route reach it', async () => {
    const res = await gw.get('/reference-grant');
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json?.name, 'web-backend');
    assert.equal(routeConditions('reference-grant')['ResolvedRefs'], 'True/ResolvedRefs');
  });

  test('grants for another kind, another namespace or another Service name do not count', () => {
    // web-backend-2 is covered by none of them: grant-for-grpcroutes is from GRPCRoute,
    // grant-for-another-namespace from routes of somewhere-else, reference-grant names web-backend.
    assert.equal(routeConditions('invalid-cross-namespace-backend-ref')['ResolvedRefs'], 'False/RefNotPermitted');
  });

  test('a refused backendRef keeps its weight: about half the requests are 500, the rest served', async () => {
    const count = 400;
    const seen = await gw.tally(count, '/partially-invalid');
    const errors = seen.get('') ?? 0;
    assert.equal(errors + (seen.get('infra-backend-v1') ?? 0), count, JSON.stringify([...seen]));
    assert.ok(Math.abs(errors / count - 0.5) <= 0.1, `500s: ${errors / count}`);
    assert.equal(routeConditions('partially-invalid')['ResolvedRefs'], 'False/RefNotPermitted');
  });

  test('a grant added later lets the route through without a restart', async () => {
    await gw.apply(manifests([grant('late-grant', 'HTTPRoute', INFRA, 'web-backend-2')]));
    const res = await gw.get('/invalid-cross-namespace-backend-ref');
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json?.name, 'web-backend-2');
    assert.equal(routeConditions('invalid-cross-namespace-backend-ref')['ResolvedRefs'], 'True/ResolvedRefs');
    // And removing it refuses the route again.
    await gw.apply(manifests());
    assert.equal((await gw.get('/invalid-cross-namespace-backend-ref')).status, 500);
  });
});
