// explainHttp gives a verdict for every entry: matched, or the first condition that failed with a
// reason a person can act on. Its winner is always what matchHttp picks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpRouteTable } from '../../../src/ir/index.js';
import { explainHttp, httpRequestFacts, matchHttp } from '../../../sidecar/route/match.js';

const route = { kind: 'HTTPRoute' as const, namespace: 'bookinfo', name: 'reviews' };
const table: HttpRouteTable = {
  kind: 'http',
  routeKind: 'HTTPRoute',
  routes: [route],
  matches: [
    { rule: 0, match: { path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'version', type: 'Exact', value: 'v2' }], queryParams: [] } },
    { rule: 0, match: { path: { type: 'Exact', value: '/api2' }, method: 'POST', headers: [], queryParams: [] } },
    { rule: 1, match: { path: { type: 'RegularExpression', value: '/api[0-9]' }, headers: [], queryParams: [{ name: 'debug', type: 'Exact', value: '1' }] } },
    { rule: 1, match: { headers: [], queryParams: [] } },
  ],
  rules: [
    { id: { route, index: 0 }, filters: [], backends: [] },
    { id: { route, index: 1 }, filters: [], backends: [] },
  ],
};

test('each entry says why it did not match, naming the first failed condition', () => {
  const req = httpRequestFacts('GET', '/api2?debug=0', [['Version', 'v1']]);
  const { entries, winner } = explainHttp(table, req);
  assert.equal(entries.length, 4);
  assert.deepEqual(entries[0]?.failed, { condition: 'path', reason: 'path: "/api2" is not under prefix "/api"' });
  assert.deepEqual(entries[1]?.failed, { condition: 'method', reason: 'method: want POST, got GET' });
  assert.deepEqual(entries[2]?.failed, { condition: 'queryParam', name: 'debug', reason: 'query param debug: want "1", got "0"' });
  assert.equal(entries[3]?.matched, true);
  assert.equal(winner?.index, 3);
});

test('an absent header is reported as absent', () => {
  const { entries } = explainHttp(table, httpRequestFacts('GET', '/api/x', []));
  assert.deepEqual(entries[0]?.failed, { condition: 'header', name: 'version', reason: 'header version: want "v2", got (absent)' });
});

test('entries after the winner are still judged', () => {
  const { entries, winner } = explainHttp(table, httpRequestFacts('GET', '/api/x', [['version', 'v2']]));
  assert.equal(winner?.index, 0);
  assert.deepEqual(entries.map((e) => e.matched), [true, false, false, true]);
});

test('the winner is what matchHttp returns', () => {
  for (const target of ['/api/x', '/api2', '/api3?debug=1', '/other']) {
    for (const headers of [[], [['version', 'v2']]] as [string, string][][]) {
      const req = httpRequestFacts('GET', target, headers);
      assert.deepEqual(explainHttp(table, req).winner, matchHttp(table, req), target);
    }
  }
});

test('a gRPC match on a non-gRPC path says the path is not /<service>/<method>', () => {
  const groute = { kind: 'GRPCRoute' as const, namespace: 'greet', name: 'g' };
  const grpc: HttpRouteTable = {
    kind: 'http',
    routeKind: 'GRPCRoute',
    routes: [groute],
    matches: [{ rule: 0, match: { headers: [], queryParams: [], grpc: { service: { type: 'Exact', value: 'a.B' } } } }],
    rules: [{ id: { route: groute, index: 0 }, filters: [], backends: [] }],
  };
  assert.equal(explainHttp(grpc, httpRequestFacts('POST', '/api', [])).entries[0]?.failed?.reason, 'gRPC: path "/api" is not /<service>/<method>');
  assert.equal(explainHttp(grpc, httpRequestFacts('POST', '/a.C/M', [])).entries[0]?.failed?.reason, 'gRPC service: want "a.B", got "a.C"');
});
