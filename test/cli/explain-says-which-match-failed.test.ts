// With no matching entry explain answers "404: no rule matched" and says for every entry which
// condition failed; with a match it still shows the entries that lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainRequest, formatExplain } from '../../src/cli/explain.js';
import { parseRequest } from '../../src/cli/explain-request.js';
import type { HttpRouteTable, MeshIR, RouteRef } from '../../src/ir/index.js';

const route: RouteRef = { kind: 'HTTPRoute', namespace: 'bookinfo', name: 'reviews' };
const table: HttpRouteTable = {
  kind: 'http',
  routeKind: 'HTTPRoute',
  routes: [route],
  matches: [
    { rule: 0, match: { path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'version', type: 'Exact', value: 'v2' }], queryParams: [] } },
    { rule: 1, match: { path: { type: 'Exact', value: '/status' }, headers: [], queryParams: [] } },
  ],
  rules: [
    { id: { route, index: 0, name: 'v2' }, filters: [], backends: [{ kind: 'Service', service: { namespace: 'bookinfo', name: 'reviews-v2' }, port: 9080, weight: 1, filters: [] }] },
    { id: { route, index: 1 }, filters: [], backends: [{ kind: 'Service', service: { namespace: 'bookinfo', name: 'reviews-v1' }, port: 9080, weight: 1, filters: [] }] },
  ],
};

const ir: MeshIR = {
  schema: 'sidelane.io/ir/v1alpha1',
  clusterDomain: 'cluster.local',
  services: [
    {
      ref: { namespace: 'bookinfo', name: 'reviews' },
      type: 'ClusterIP',
      headless: false,
      clusterIPs: ['10.96.0.10'],
      hostnames: ['reviews', 'reviews.bookinfo', 'reviews.bookinfo.svc', 'reviews.bookinfo.svc.cluster.local'],
      ports: [{ name: 'http', port: 9080, transport: 'TCP', targetPort: 9080, protocol: 'http', protocolSource: 'portName', producer: table, consumers: [] }],
    },
  ],
  endpoints: [],
};

test('no match: 404 and, per entry, the first failed condition', () => {
  const r = explainRequest(ir, parseRequest('GET http://reviews.bookinfo:9080/api2'), 'frontend');
  assert.equal(r.outcome, 'not-matched');
  assert.equal(r.verdict, '404: no rule matched');
  assert.deepEqual(
    r.http?.entries.map((e) => e.reason),
    ['path: "/api2" is not under prefix "/api"', 'path: "/api2" is not exactly "/status"'],
  );
  const text = formatExplain(r);
  assert.match(text, /verdict {3}404: no rule matched/);
  assert.match(text, /✗ 0 {2}HTTPRoute bookinfo\/reviews rule 0 \(v2\): path PathPrefix "\/api", header version = "v2"\n {8}path: "\/api2" is not under prefix "\/api"/);
});

test('a missing header is reported as absent', () => {
  const r = explainRequest(ir, parseRequest('GET http://reviews.bookinfo:9080/api/books'), 'frontend');
  assert.equal(r.http?.entries[0]?.reason, 'header version: want "v2", got (absent)');
});

test('a match names the entry, its rule and the match', () => {
  const r = explainRequest(ir, parseRequest('GET http://reviews.bookinfo:9080/api/books -H version:v2'), 'frontend');
  assert.equal(r.outcome, 'routed');
  assert.deepEqual(r.http?.matched, { index: 0, rule: 'HTTPRoute bookinfo/reviews rule 0 (v2)', match: 'path PathPrefix "/api", header version = "v2"' });
  assert.equal(r.http.entries[1]?.matched, false);
});

test('the path the matcher saw is noted when normalization changed it', () => {
  const r = explainRequest(ir, parseRequest('GET http://reviews.bookinfo:9080/api/../status'), 'frontend');
  assert.equal(r.http?.matched?.index, 1);
  assert.ok(r.notes.includes('path /api/../status is matched as /status (RFC 3986 normalization)'));
});
