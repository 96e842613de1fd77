// Listener isolation: a request is served by the routes of the one listener its Host picks (the
// most specific), never by a less specific listener of the same port, even when that listener has
// a rule for the path and the chosen one has none. Cases from the conformance test
// GatewayHTTPListenerIsolation, first with hostnames only on listeners, then (after a live change
// of the routes) with route hostnames that overlap other listeners' names.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conditionsOf, gatewayParent, startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: http-listener-isolation}
spec:
  gatewayClassName: sidelane
  listeners:
  - {name: empty-hostname, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
  - {name: wildcard-example-com, port: 80, protocol: HTTP, hostname: "*.example.com", allowedRoutes: {namespaces: {from: All}}}
  - {name: wildcard-foo-example-com, port: 80, protocol: HTTP, hostname: "*.foo.example.com", allowedRoutes: {namespaces: {from: All}}}
  - {name: abc-foo-example-com, port: 80, protocol: HTTP, hostname: abc.foo.example.com, allowedRoutes: {namespaces: {from: All}}}`;

const SECTIONS = ['empty-hostname', 'wildcard-example-com', 'wildcard-foo-example-com', 'abc-foo-example-com'];

function routes(withHostnames: boolean): string {
  const hostnames = withHostnames ? '\n  hostnames: [bar.com, "*.example.com", "*.foo.example.com", abc.foo.example.com]' : '';
  return [
    GATEWAY,
    ...SECTIONS.map(
      (section) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: attaches-to-${section}}
spec:
  parentRefs: [{name: http-listener-isolation, sectionName: ${section}}]${hostnames}
  rules:
  - matches: [{path: {type: PathPrefix, value: /${section}}}]
    backendRefs: [{name: infra-backend-v1, port: 8080}]`,
    ),
  ].join('\n---\n');
}

// Host → the one path (section) that may answer it.
const SERVED_BY: [host: string, section: string][] = [
  ['bar.com', 'empty-hostname'],
  ['bar.example.com', 'wildcard-example-com'],
  ['bar.foo.example.com', 'wildcard-foo-example-com'],
  ['abc.foo.example.com', 'abc-foo-example-com'],
];

function isolationCases(gw: () => SpecGateway): void {
  for (const [host, own] of SERVED_BY) {
    for (const section of SECTIONS) {
      const served = section === own;
      test(`${host}/${section} → ${served ? 'infra-backend-v1' : 404}`, async () => {
        const res = await gw().get(`/${section}`, { host });
        if (served) {
          assert.equal(res.status, 200, `${host}/${section}: ${res.body}`);
          assert.equal(res.json?.name, 'infra-backend-v1');
        } else {
          assert.equal(res.status, 404, `${host}/${section} reached another listener's route: ${res.status} ${res.json?.name ?? ''}`);
        }
      });
    }
  }
}

describe('listener isolation', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({ echoes: ['infra-backend-v1'], manifests: routes(false) });
  });
  after(() => gw.close());

  describe('hostnames only on listeners', () => {
    isolationCases(() => gw);
  });

  describe('route hostnames that intersect several listeners (applied live)', () => {
    before(() => gw.apply(routes(true)));

    test('each route is Accepted on its own listener', () => {
      for (const section of SECTIONS) {
        const parent = gatewayParent(gw.statusOf('HTTPRoute', 'default', `attaches-to-${section}`), 'http-listener-isolation', { sectionName: section });
        assert.equal(conditionsOf(parent?.conditions)['Accepted'], 'True/Accepted', section);
      }
    });

    isolationCases(() => gw);
  });
});
