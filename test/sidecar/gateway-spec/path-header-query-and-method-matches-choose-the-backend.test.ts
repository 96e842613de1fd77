// HTTPRoute matches on a Gateway listener, case by case from the conformance tests
// HTTPRouteExactPathMatching, HTTPRouteHeaderMatching, HTTPRouteQueryParamMatching and
// HTTPRouteMethodMatching. Each route has its own hostname on one shared listener, so the cases
// of one test cannot be answered by another's rules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { startSpecGateway, type GatewayRequest, type SpecGateway } from '../../support/spec-gateway.js';

function route(name: string, hostname: string, rules: string[]): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: same-namespace}]
  hostnames: [${hostname}]
  rules:
${rules.join('\n')}`;
}

const rule = (matches: string, echo: string): string => `  - matches: ${matches}\n    backendRefs: [{name: ${echo}, port: 8080}]`;

const MANIFESTS = [
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: same-namespace}
spec:
  gatewayClassName: sidelane
  listeners: [{name: http, port: 80, protocol: HTTP}]`,
  route('exact-matching', 'exact.test', [
    rule('[{path: {type: Exact, value: /one}}]', 'infra-backend-v1'),
    rule('[{path: {type: Exact, value: /two}}]', 'infra-backend-v2'),
  ]),
  route('header-matching', 'headers.test', [
    rule('[{headers: [{name: version, value: one}]}]', 'infra-backend-v1'),
    rule('[{headers: [{name: version, value: two}]}]', 'infra-backend-v2'),
    rule('[{headers: [{name: version, value: two}, {name: color, value: orange}]}]', 'infra-backend-v1'),
    rule('[{headers: [{name: color, value: blue}]}, {headers: [{name: color, value: green}]}]', 'infra-backend-v1'),
    rule('[{headers: [{name: color, value: red}]}, {headers: [{name: color, value: yellow}]}]', 'infra-backend-v2'),
  ]),
  route('query-param-matching', 'query.test', [
    rule('[{queryParams: [{name: animal, value: whale}]}]', 'infra-backend-v1'),
    rule('[{queryParams: [{name: animal, value: dolphin}]}]', 'infra-backend-v2'),
    rule('[{queryParams: [{name: animal, value: dolphin}, {name: color, value: blue}]}]', 'infra-backend-v3'),
    rule('[{queryParams: [{name: ANIMAL, value: Whale}]}]', 'infra-backend-v3'),
  ]),
  route('method-matching', 'method.test', [
    rule('[{method: POST}]', 'infra-backend-v1'),
    rule('[{method: GET}]', 'infra-backend-v2'),
    rule('[{path: {type: PathPrefix, value: /path1}, method: GET}]', 'infra-backend-v1'),
    rule('[{headers: [{name: version, value: one}], method: PUT}]', 'infra-backend-v2'),
    rule('[{queryParams: [{name: animal, value: whale}], method: POST}]', 'infra-backend-v3'),
    rule('[{path: {type: PathPrefix, value: /path2}, headers: [{name: version, value: two}], method: DELETE}]', 'infra-backend-v3'),
  ]),
].join('\n---\n');

type Case = [path: string, options: GatewayRequest, expected: string | 404];

describe('matches on a Gateway listener', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({ echoes: ['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v3'], manifests: MANIFESTS });
  });
  after(() => gw.close());

  function run(host: string, cases: Case[]): void {
    for (const [path, options, expected] of cases) {
      const what = `${options.method ?? 'GET'} ${host}${path} ${JSON.stringify(options.headers ?? {})}`;
      test(`${what} → ${expected}`, async () => {
        const res = await gw.get(path, { host, ...options });
        if (expected === 404) {
          assert.equal(res.status, 404, `${what}: ${res.status} ${res.json?.name ?? res.body}`);
          assert.equal(res.headers[ERROR_HEADER], ProxyErrorCode.NoRoute);
          return;
        }
        assert.equal(res.status, 200, `${what}: ${res.body}`);
        assert.equal(res.json?.name, expected, what);
      });
    }
  }

  describe('HTTPRouteExactPathMatching', () => {
    run('exact.test', [
      ['/one', {}, 'infra-backend-v1'],
      ['/two', {}, 'infra-backend-v2'],
      ['/one?query=1', {}, 'infra-backend-v1'],
      ['/one/example', {}, 404],
      ['/two/', {}, 404],
      ['/Two', {}, 404],
      ['/three', {}, 404],
    ]);
  });

  describe('HTTPRouteHeaderMatching', () => {
    run('headers.test', [
      ['/', { headers: { Version: 'one' } }, 'infra-backend-v1'],
      ['/', { headers: { Version: 'two' } }, 'infra-backend-v2'],
      ['/', { headers: { Version: 'two', Color: 'orange' } }, 'infra-backend-v1'],
      ['/', { headers: { Version: 'two', Color: 'blue' } }, 'infra-backend-v2'],
      ['/', { headers: { Color: 'orange' } }, 404],
      ['/', { headers: { 'Some-Other-Header': 'one' } }, 404],
      ['/', { headers: { Color: 'blue' } }, 'infra-backend-v1'],
      ['/', { headers: { Color: 'green' } }, 'infra-backend-v1'],
      ['/', { headers: { Color: 'red' } }, 'infra-backend-v2'],
      ['/', { headers: { Color: 'yellow' } }, 'infra-backend-v2'],
      ['/', { headers: { Color: 'purple' } }, 404],
      // Names are case-insensitive, values are not.
      ['/', { headers: { VERSION: 'one' } }, 'infra-backend-v1'],
      ['/', { headers: { version: 'ONE' } }, 404],
    ]);
  });

  describe('HTTPRouteQueryParamMatching', () => {
    run('query.test', [
      ['/?animal=whale', {}, 'infra-backend-v1'],
      ['/?animal=dolphin', {}, 'infra-backend-v2'],
      ['/?animal=dolphin&color=blue', {}, 'infra-backend-v3'],
      ['/?ANIMAL=Whale', {}, 'infra-backend-v3'],
      ['/?animal=whale&otherparam=irrelevant', {}, 'infra-backend-v1'],
      ['/?animal=dolphin&color=yellow', {}, 'infra-backend-v2'],
      ['/?color=blue', {}, 404],
      ['/?animal=dog', {}, 404],
      ['/?animal=whaledolphin', {}, 404],
      ['/', {}, 404],
    ]);
  });

  describe('HTTPRouteMethodMatching', () => {
    run('method.test', [
      ['/', { method: 'POST' }, 'infra-backend-v1'],
      ['/', { method: 'GET' }, 'infra-backend-v2'],
      ['/', { method: 'HEAD' }, 404],
      ['/path1', { method: 'GET' }, 'infra-backend-v1'],
      ['/', { method: 'PUT', headers: { version: 'one' } }, 'infra-backend-v2'],
      ['/?animal=whale', { method: 'POST' }, 'infra-backend-v3'],
      ['/path2', { method: 'DELETE', headers: { version: 'two' } }, 'infra-backend-v3'],
      ['/path1', { method: 'PUT' }, 404],
      ['/', { method: 'PUT', headers: { version: 'two' } }, 404],
      ['/path2', { method: 'DELETE', headers: { version: 'one' } }, 404],
    ]);
  });
});
