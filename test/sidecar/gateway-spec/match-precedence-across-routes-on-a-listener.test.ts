// Precedence between the rules of all routes on one listener. HTTPRouteSpec.hostnames: "precedence
// must be given to rules from the HTTPRoute with the largest number of characters in a matching
// non-wildcard hostname, then characters in a matching hostname"; on a tie, the match precedence
// (Exact path, longest prefix, method, most headers, most query params), then age and name. A
// wildcard route's rules still serve a covered name when no rule of the more specific route
// matches. Cases from the conformance tests HTTPRouteMatchingAcrossRoutes and
// HTTPRoutePathMatchOrder, plus hostname ties.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSpecGateway, type GatewayRequest, type SpecGateway } from '../../support/spec-gateway.js';

function route(name: string, hostnames: string[], rules: string, created?: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}${created ? `, creationTimestamp: "${created}"` : ''}}
spec:
  parentRefs: [{name: same-namespace}]${hostnames.length > 0 ? `\n  hostnames: [${hostnames.map((h) => `"${h}"`).join(', ')}]` : ''}
  rules:
${rules}`;
}

const to = (echo: string): string => `    backendRefs: [{name: ${echo}, port: 8080}]`;
const prefix = (value: string, echo: string): string => `  - matches: [{path: {type: PathPrefix, value: ${value}}}]\n${to(echo)}`;
const exact = (value: string, echo: string): string => `  - matches: [{path: {type: Exact, value: ${value}}}]\n${to(echo)}`;

const MANIFESTS = [
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: same-namespace}
spec:
  gatewayClassName: sidelane
  listeners: [{name: http, port: 80, protocol: HTTP}]`,
  // HTTPRouteMatchingAcrossRoutes
  route('matching-part1', ['example.com', 'example.net'], `  - matches: [{path: {type: PathPrefix, value: /}}, {headers: [{name: version, value: one}]}]\n${to('infra-backend-v1')}`),
  route('matching-part2', ['example.com'], `  - matches: [{path: {type: PathPrefix, value: /v2}}, {headers: [{name: version, value: two}]}]\n${to('infra-backend-v2')}`),
  // HTTPRoutePathMatchOrder (its own host, so the routes above stay out of the way)
  route(
    'path-matching-order',
    ['order.test'],
    [
      exact('/match', 'infra-backend-v1'),
      exact('/match/exact', 'infra-backend-v2'),
      exact('/match/exact/one', 'infra-backend-v3'),
      prefix('/match/', 'infra-backend-v3'),
      prefix('/match/prefix/', 'infra-backend-v1'),
      prefix('/match/prefix/one', 'infra-backend-v2'),
    ].join('\n'),
  ),
  // Equal matches: the more specific hostname wins, even against an older route.
  route('old-wildcard', ['*.tie.test'], prefix('/', 'infra-backend-v1'), '2020-01-01T00:00:00Z'),
  route('new-exact', ['foo.tie.test'], prefix('/', 'infra-backend-v2'), '2024-01-01T00:00:00Z'),
  route('longer-wildcard', ['*.deep.tie.test'], prefix('/', 'infra-backend-v3'), '2024-01-01T00:00:00Z'),
  route('catch-all', [], prefix('/', 'infra-backend-v4'), '2019-01-01T00:00:00Z'),
  // The exact route's rules come first, even against a longer path of a wildcard route; the
  // wildcard route serves what the exact route does not match.
  route('exact-host-broad', ['api.tie.test'], prefix('/api', 'infra-backend-v2')),
  route('wildcard-host-narrow', ['*.tie.test'], prefix('/narrow', 'infra-backend-v3')),
].join('\n---\n');

describe('precedence across routes on one listener', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({
      echoes: ['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v3', 'infra-backend-v4'],
      manifests: MANIFESTS,
    });
  });
  after(() => gw.close());

  const cases: [host: string, path: string, headers: GatewayRequest['headers'], expected: string][] = [
    // HTTPRouteMatchingAcrossRoutes
    ['example.com', '/', {}, 'infra-backend-v1'],
    ['example.com', '/example', {}, 'infra-backend-v1'],
    ['example.net', '/example', {}, 'infra-backend-v1'],
    ['example.com', '/example', { version: 'one' }, 'infra-backend-v1'],
    ['example.com', '/v2', {}, 'infra-backend-v2'],
    ['example.net', '/v2', {}, 'infra-backend-v1'],
    ['example.com', '/v2/example', {}, 'infra-backend-v2'],
    ['example.com', '/', { version: 'two' }, 'infra-backend-v2'],
    // HTTPRoutePathMatchOrder
    ['order.test', '/match/exact/one', {}, 'infra-backend-v3'],
    ['order.test', '/match/exact', {}, 'infra-backend-v2'],
    ['order.test', '/match', {}, 'infra-backend-v1'],
    ['order.test', '/match/prefix/one/any', {}, 'infra-backend-v2'],
    ['order.test', '/match/prefix/any', {}, 'infra-backend-v1'],
    ['order.test', '/match/any', {}, 'infra-backend-v3'],
    // Hostname ties
    ['foo.tie.test', '/', {}, 'infra-backend-v2'],
    ['bar.tie.test', '/', {}, 'infra-backend-v1'],
    ['x.deep.tie.test', '/', {}, 'infra-backend-v3'],
    ['unrelated.test', '/', {}, 'infra-backend-v4'],
    ['api.tie.test', '/api/x', {}, 'infra-backend-v2'],
    ['api.tie.test', '/narrow/x', {}, 'infra-backend-v3'],
    ['api.tie.test', '/other', {}, 'infra-backend-v1'],
  ];
  for (const [host, path, headers, expected] of cases) {
    const label = Object.keys(headers ?? {}).length > 0 ? ` ${JSON.stringify(headers)}` : '';
    test(`${host}${path}${label} → ${expected}`, async () => {
      const res = await gw.get(path, { host, headers: headers ?? {} });
      assert.equal(res.status, 200, `${host}${path}: ${res.body}`);
      assert.equal(res.json?.name, expected);
    });
  }
});
