// Exact and RegularExpression path matches compare the whole path (query excluded); the method
// match is exact and case-sensitive.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpMatchIR, HttpRouteTable } from '../../../src/ir/index.js';
import { httpRequestFacts, matchHttp } from '../../../sidecar/route/match.js';

function oneMatch(match: HttpMatchIR): HttpRouteTable {
  const route = { kind: 'HTTPRoute' as const, namespace: 'default', name: 'web' };
  return {
    kind: 'http',
    routeKind: 'HTTPRoute',
    routes: [route],
    matches: [{ rule: 0, match }],
    rules: [{ id: { route, index: 0 }, filters: [], backends: [] }],
  };
}

const req = (target: string, method = 'GET') => httpRequestFacts(method, target, []);

test('an Exact path matches only that path, with any query', () => {
  const table = oneMatch({ path: { type: 'Exact', value: '/status' }, headers: [], queryParams: [] });
  assert.ok(matchHttp(table, req('/status')));
  assert.ok(matchHttp(table, req('/status?verbose=1')));
  assert.equal(matchHttp(table, req('/status/')), undefined);
  assert.equal(matchHttp(table, req('/status2')), undefined);
});

test('a RegularExpression path is anchored at both ends', () => {
  const table = oneMatch({ path: { type: 'RegularExpression', value: '/users/[0-9]+' }, headers: [], queryParams: [] });
  assert.ok(matchHttp(table, req('/users/42')));
  assert.equal(matchHttp(table, req('/users/42/orders')), undefined);
  assert.equal(matchHttp(table, req('/v1/users/42')), undefined);
});

test('paths are compared after RFC 3986 normalization, without merging "//"', () => {
  const table = oneMatch({ path: { type: 'Exact', value: '/a/~b' }, headers: [], queryParams: [] });
  assert.ok(matchHttp(table, req('/a/%7Eb')));
  assert.ok(matchHttp(table, req('/a/x/../~b')));
  assert.equal(matchHttp(table, req('//a/~b')), undefined);
});

test('a method match is exact and case-sensitive', () => {
  const table = oneMatch({ method: 'POST', headers: [], queryParams: [] });
  assert.ok(matchHttp(table, req('/', 'POST')));
  assert.equal(matchHttp(table, req('/', 'GET')), undefined);
  assert.equal(matchHttp(table, req('/', 'post')), undefined);
});

test('a match with no conditions matches every request', () => {
  const table = oneMatch({ headers: [], queryParams: [] });
  assert.ok(matchHttp(table, req('/anything?at=all', 'DELETE')));
});
