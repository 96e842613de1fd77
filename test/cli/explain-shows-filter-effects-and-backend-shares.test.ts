// For the matching rule explain shows each filter's effect on this request in order, the weighted
// backends as percentages (0% kept, Invalid as "answers 500"), timeouts, retry and endpoints.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainRequest, formatExplain } from '../../src/cli/explain.js';
import { parseRequest } from '../../src/cli/explain-request.js';
import type { HttpRuleIR, MeshIR, RouteRef } from '../../src/ir/index.js';

const route: RouteRef = { kind: 'HTTPRoute', namespace: 'bookinfo', name: 'reviews' };

function irWithRule(rule: HttpRuleIR, prefix = '/api'): MeshIR {
  return {
    schema: 'sidelane.io/ir/v1alpha1',
    clusterDomain: 'cluster.local',
    services: [
      {
        ref: { namespace: 'bookinfo', name: 'reviews' },
        type: 'ClusterIP',
        headless: false,
        clusterIPs: ['10.96.0.10'],
        hostnames: ['reviews', 'reviews.bookinfo', 'reviews.bookinfo.svc', 'reviews.bookinfo.svc.cluster.local'],
        ports: [
          {
            name: 'http',
            port: 9080,
            transport: 'TCP',
            targetPort: 9080,
            protocol: 'http',
            protocolSource: 'portName',
            producer: {
              kind: 'http',
              routeKind: 'HTTPRoute',
              routes: [route],
              matches: [{ rule: 0, match: { path: { type: 'PathPrefix', value: prefix }, headers: [], queryParams: [] } }],
              rules: [rule],
            },
            consumers: [],
          },
        ],
      },
    ],
    endpoints: [
      {
        service: { namespace: 'bookinfo', name: 'reviews-v2' },
        ports: [
          {
            servicePort: 9080, transport: 'TCP',
            name: 'http',
            endpoints: [
              { address: '10.0.0.1', port: 9080, ready: true, serving: true, terminating: false, pod: 'reviews-v2-a' },
              { address: '10.0.0.2', port: 9080, ready: false, serving: true, terminating: true },
            ],
          },
        ],
      },
    ],
  };
}

const v2 = { kind: 'Service' as const, service: { namespace: 'bookinfo', name: 'reviews-v2' }, port: 9080, filters: [] };

test('header changes, URL rewrite, mirror, shares, timeouts and retry', () => {
  const ir = irWithRule({
    id: { route, index: 0 },
    filters: [
      { type: 'RequestHeaderModifier', set: [{ name: 'x-route-type', value: 'status' }, { name: 'version', value: 'v3' }], add: [{ name: 'x-tag', value: 'a' }], remove: ['x-debug', 'x-none'] },
      { type: 'URLRewrite', hostname: 'reviews.internal', path: { type: 'ReplacePrefixMatch', value: '/v2' } },
      { type: 'RequestMirror', target: { service: { namespace: 'bookinfo', name: 'shadow' }, port: 9080 }, fraction: { numerator: 25, denominator: 100 } },
      { type: 'ResponseHeaderModifier', set: [], add: [{ name: 'x-served-by', value: 'mesh' }], remove: [] },
    ],
    backends: [
      { ...v2, weight: 3 },
      { kind: 'Service', service: { namespace: 'bookinfo', name: 'reviews-v1' }, port: 9080, weight: 0, filters: [] },
      { kind: 'Invalid', weight: 1, reason: 'BackendNotFound', message: 'Service bookinfo/reviews-v9 not found' },
    ],
    timeouts: { requestMs: 10000, backendRequestMs: 500 },
    retry: { attempts: 2, codes: [503], backoffMs: 100 },
  });
  const r = explainRequest(ir, parseRequest('GET http://reviews.bookinfo:9080/api/books?id=1 -H version:v2 -H x-debug:1'), 'frontend');
  assert.equal(r.outcome, 'routed');
  assert.deepEqual(r.http?.filters, [
    { type: 'RequestHeaderModifier', effect: 'set x-route-type: status (new); set version: v3 (was "v2"); add x-tag: a; remove x-debug (was "1"); remove x-none (absent: no effect)' },
    { type: 'URLRewrite', effect: 'Host reviews.bookinfo:9080 → reviews.internal; path /api/books → /v2/books (ReplacePrefixMatch "/v2")' },
    { type: 'RequestMirror', effect: "copies 25% of requests to bookinfo/shadow:9080; the copy's answer is discarded" },
    { type: 'ResponseHeaderModifier', effect: 'on the response: add x-served-by: mesh' },
  ]);
  assert.deepEqual(r.http.forwarded, {
    method: 'GET',
    target: '/v2/books?id=1',
    headers: [
      { name: 'host', value: 'reviews.internal' },
      { name: 'version', value: 'v3' },
      { name: 'x-route-type', value: 'status' },
      { name: 'x-tag', value: 'a' },
    ],
  });
  assert.deepEqual(r.http.backends.map((b) => [b.target ?? b.invalid, b.percent]), [
    ['bookinfo/reviews-v2:9080', 75],
    ['bookinfo/reviews-v1:9080', 0],
    ['BackendNotFound: Service bookinfo/reviews-v9 not found', 25],
  ]);
  assert.equal(r.verdict, 'routed by HTTPRoute bookinfo/reviews rule 0 to bookinfo/reviews-v2:9080 75%, answer 500 25%');
  assert.deepEqual(r.http.timeouts, { request: '10s', backendRequest: '500ms' });
  assert.deepEqual(r.http.retry, { attempts: 2, codes: [503], backoff: '100ms' });

  const text = formatExplain(r);
  assert.match(text, /bookinfo\/reviews-v1:9080 {2}weight 0, 0%/);
  assert.match(text, /\(invalid backend\) {2}weight 1, 25%: answers 500: BackendNotFound/);
  assert.match(text, /10\.0\.0\.1:9080 {2}ready {2}\(pod reviews-v2-a\)/);
  assert.match(text, /10\.0\.0\.2:9080 {2}terminating, still serving/);
  assert.match(text, /timeouts {2}request 10s, per backend request 500ms/);
  assert.match(text, /retry {5}up to 2 more attempts on 503 or connection errors, backoff 100ms/);
});

test('a redirect answers with its status and Location instead of forwarding', () => {
  const ir = irWithRule({
    id: { route, index: 0 },
    filters: [{ type: 'RequestRedirect', scheme: 'https', path: { type: 'ReplacePrefixMatch', value: '/v2' }, statusCode: 301 }],
    backends: [],
  });
  const r = explainRequest(ir, parseRequest('http://reviews.bookinfo:9080/api/x?q=1'), 'default');
  assert.equal(r.outcome, 'answered');
  assert.deepEqual(r.http?.response, { status: 301, location: 'https://reviews.bookinfo/v2/x?q=1', reason: 'RequestRedirect' });
  assert.equal(r.verdict, '301 redirect to https://reviews.bookinfo/v2/x?q=1 (HTTPRoute bookinfo/reviews rule 0)');
  assert.equal(r.http.forwarded, undefined);
});

test('a rule with only zero-weight backends answers 500', () => {
  const ir = irWithRule({ id: { route, index: 0 }, filters: [], backends: [{ ...v2, weight: 0 }] });
  const r = explainRequest(ir, parseRequest('http://reviews.bookinfo:9080/api'), 'default');
  assert.equal(r.verdict, '500: every backend has weight 0 (HTTPRoute bookinfo/reviews rule 0)');
});

test("a rule the translator could not honour answers with its direct failure", () => {
  const ir = irWithRule({
    id: { route, index: 0 },
    filters: [],
    backends: [{ ...v2, weight: 1 }],
    failure: { status: 500, code: 'SIDELANE_ERR_UNSUPPORTED_FILTER', message: 'ExtensionRef example.com/Foo is not supported' },
  });
  const r = explainRequest(ir, parseRequest('http://reviews.bookinfo:9080/api'), 'default');
  assert.equal(r.outcome, 'answered');
  assert.match(r.verdict, /^500: HTTPRoute bookinfo\/reviews rule 0 cannot be honoured \(SIDELANE_ERR_UNSUPPORTED_FILTER/);
});
