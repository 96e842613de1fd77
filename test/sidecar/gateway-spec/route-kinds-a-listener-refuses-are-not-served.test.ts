// allowedRoutes.kinds: an HTTPRoute attached to a listener that does not take HTTPRoutes (a TLS
// passthrough listener for TLSRoutes, an HTTP listener limited to GRPCRoutes) is not Accepted
// (NotAllowedByListeners), not counted in attachedRoutes, and not served: its path answers 404
// where another listener of the port routes the request, and nothing at all on a TLS port.
// Cases from the conformance test HTTPRouteDisallowedKind, plus its HTTP-listener counterpart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conditionsOf, gatewayParent, startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

function route(name: string, parentRef: string, prefix: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [${parentRef}]
  rules:
  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    backendRefs: [{name: infra-backend-v1, port: 8080}]`;
}

const MANIFESTS = [
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: tlsroutes-only}
spec:
  gatewayClassName: sidelane
  listeners:
  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}, allowedRoutes: {namespaces: {from: Same}, kinds: [{kind: TLSRoute}]}}`,
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: mixed-kinds}
spec:
  gatewayClassName: sidelane
  listeners:
  - {name: grpc-only, port: 80, protocol: HTTP, hostname: grpc.example.com, allowedRoutes: {kinds: [{kind: GRPCRoute}]}}
  - {name: http-explicit, port: 80, protocol: HTTP, hostname: http.example.com, allowedRoutes: {kinds: [{group: gateway.networking.k8s.io, kind: HTTPRoute}]}}`,
  route('disallowed-kind', '{name: tlsroutes-only}', '/'),
  route('to-grpc-only', '{name: mixed-kinds, sectionName: grpc-only}', '/grpc-only'),
  route('to-http-explicit', '{name: mixed-kinds, sectionName: http-explicit}', '/http-explicit'),
].join('\n---\n');

describe('route kinds a listener does not allow', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({ echoes: ['infra-backend-v1'], manifests: MANIFESTS });
  });
  after(() => gw.close());

  test('HTTPRouteDisallowedKind: Accepted=False NotAllowedByListeners, zero routes attached', () => {
    const parent = gatewayParent(gw.statusOf('HTTPRoute', 'default', 'disallowed-kind'), 'tlsroutes-only');
    assert.equal(conditionsOf(parent?.conditions)['Accepted'], 'False/NotAllowedByListeners');
    const listener = gw.statusOf('Gateway', 'default', 'tlsroutes-only')?.listeners[0];
    assert.equal(listener?.attachedRoutes, 0);
    assert.deepEqual(listener.supportedKinds, [{ group: 'gateway.networking.k8s.io', kind: 'TLSRoute' }]);
  });

  test('HTTPRouteDisallowedKind: the TLS port does not serve the HTTPRoute', async () => {
    const answer = await gw.get('/', { port: 443, host: 'example.com' }).then((r) => r.json?.name ?? r.status, () => 'connection failed');
    assert.notEqual(answer, 'infra-backend-v1');
  });

  test('an HTTP listener limited to GRPCRoute refuses the HTTPRoute', async () => {
    const parent = gatewayParent(gw.statusOf('HTTPRoute', 'default', 'to-grpc-only'), 'mixed-kinds', { sectionName: 'grpc-only' });
    assert.equal(conditionsOf(parent?.conditions)['Accepted'], 'False/NotAllowedByListeners');
    const res = await gw.get('/grpc-only', { host: 'grpc.example.com' });
    assert.equal(res.status, 404, `served by ${res.json?.name ?? 'the proxy'}`);
  });

  test('the listener that names HTTPRoute serves it', async () => {
    const res = await gw.get('/http-explicit', { host: 'http.example.com' });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json?.name, 'infra-backend-v1');
    const listeners = gw.statusOf('Gateway', 'default', 'mixed-kinds')?.listeners.map((l) => [l.name, l.attachedRoutes]);
    assert.deepEqual(listeners, [['grpc-only', 0], ['http-explicit', 1]]);
  });
});
