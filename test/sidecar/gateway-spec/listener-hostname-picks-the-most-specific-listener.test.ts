// Listeners of one port are chosen by the request's Host, most specific first: an exact name,
// then the longest wildcard, then a listener without hostname. Routes attached by sectionName
// serve only through their listener. Cases from the conformance test
// HTTPRouteListenerHostnameMatching, plus a hostname-less listener as the catch-all.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

function route(name: string, sectionName: string, echo: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: httproute-listener-hostname-matching, sectionName: ${sectionName}}]
  rules:
  - backendRefs: [{name: ${echo}, port: 8080}]`;
}

const MANIFESTS = [
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: httproute-listener-hostname-matching}
spec:
  gatewayClassName: sidelane
  listeners:
  - {name: listener-1, port: 80, protocol: HTTP, hostname: bar.com}
  - {name: listener-2, port: 80, protocol: HTTP, hostname: foo.bar.com}
  - {name: listener-3, port: 80, protocol: HTTP, hostname: "*.bar.com"}
  - {name: listener-4, port: 80, protocol: HTTP, hostname: "*.foo.bar.com"}
  - {name: catch-all, port: 8080, protocol: HTTP}
  - {name: named-8080, port: 8080, protocol: HTTP, hostname: named.example}`,
  route('backend-v1', 'listener-1', 'infra-backend-v1'),
  route('backend-v2', 'listener-2', 'infra-backend-v2'),
  route('backend-v3', 'listener-3', 'infra-backend-v3'),
  route('backend-v4', 'listener-4', 'infra-backend-v4'),
  route('catch-all', 'catch-all', 'infra-backend-v1'),
  route('named', 'named-8080', 'infra-backend-v2'),
].join('\n---\n');

describe('the most specific listener of a port answers', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({
      echoes: ['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v3', 'infra-backend-v4'],
      manifests: MANIFESTS,
    });
  });
  after(() => gw.close());

  const cases: [host: string, port: number, expected: string | 404][] = [
    ['bar.com', 80, 'infra-backend-v1'],
    ['foo.bar.com', 80, 'infra-backend-v2'],
    ['baz.bar.com', 80, 'infra-backend-v3'],
    ['boo.bar.com', 80, 'infra-backend-v3'],
    ['multiple.prefixes.bar.com', 80, 'infra-backend-v3'],
    ['multiple.prefixes.foo.bar.com', 80, 'infra-backend-v4'],
    ['x.foo.bar.com', 80, 'infra-backend-v4'],
    ['BAR.com', 80, 'infra-backend-v1'],
    ['foo.bar.com:80', 80, 'infra-backend-v2'],
    ['foo.com', 80, 404],
    ['no.matching.host', 80, 404],
    ['bar.com.evil.org', 80, 404],
    // Port 8080: an exact listener and a catch-all.
    ['named.example', 8080, 'infra-backend-v2'],
    ['anything.else', 8080, 'infra-backend-v1'],
    ['bar.com', 8080, 'infra-backend-v1'],
  ];
  for (const [host, port, expected] of cases) {
    test(`${host} on port ${port} → ${expected}`, async () => {
      const res = await gw.get('/', { host, port });
      if (expected === 404) {
        assert.equal(res.status, 404, `${host}: got ${res.status} from ${res.json?.name ?? 'the proxy'}`);
        return;
      }
      assert.equal(res.status, 200, `${host}: ${res.body}`);
      assert.equal(res.json?.name, expected, host);
      // The Host is passed on as sent.
      assert.equal(res.json.host, host);
    });
  }

  test('every listener serves its one route', () => {
    const status = gw.statusOf('Gateway', 'default', 'httproute-listener-hostname-matching');
    assert.deepEqual(
      status?.listeners.map((l) => [l.name, l.attachedRoutes]),
      [['listener-1', 1], ['listener-2', 1], ['listener-3', 1], ['listener-4', 1], ['catch-all', 1], ['named-8080', 1]],
    );
  });
});
