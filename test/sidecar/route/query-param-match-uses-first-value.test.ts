// Query parameter matches: the name is case-sensitive, values are percent-decoded, and when a
// parameter repeats the first value is the one compared (the spec's recommendation).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpRouteTable, QueryParamMatch } from '../../../src/ir/index.js';
import { httpRequestFacts, matchHttp } from '../../../sidecar/route/match.js';

function queryTable(queryParams: QueryParamMatch[]): HttpRouteTable {
  const route = { kind: 'HTTPRoute' as const, namespace: 'shop', name: 'search' };
  return {
    kind: 'http',
    routeKind: 'HTTPRoute',
    routes: [route],
    matches: [{ rule: 0, match: { headers: [], queryParams } }],
    rules: [{ id: { route, index: 0 }, filters: [], backends: [] }],
  };
}

const get = (target: string) => httpRequestFacts('GET', target, []);

test('the first value of a repeated parameter is compared', () => {
  const table = queryTable([{ name: 'page', type: 'Exact', value: '1' }]);
  assert.ok(matchHttp(table, get('/s?page=1&page=2')));
  assert.equal(matchHttp(table, get('/s?page=2&page=1')), undefined);
});

test('the parameter name is case-sensitive', () => {
  const table = queryTable([{ name: 'page', type: 'Exact', value: '1' }]);
  assert.equal(matchHttp(table, get('/s?Page=1')), undefined);
});

test('names and values are percent-decoded; "+" stays a plus', () => {
  const table = queryTable([{ name: 'q', type: 'Exact', value: 'a b+c' }]);
  assert.ok(matchHttp(table, get('/s?q=a%20b+c')));
  assert.equal(matchHttp(table, get('/s?q=a+b+c')), undefined);
});

test('a parameter without "=" has the empty value', () => {
  const table = queryTable([{ name: 'debug', type: 'RegularExpression', value: '' }]);
  assert.ok(matchHttp(table, get('/s?debug')));
  assert.equal(matchHttp(table, get('/s?verbose')), undefined);
});

test('a RegularExpression value must match the whole value', () => {
  const table = queryTable([{ name: 'id', type: 'RegularExpression', value: '[0-9]+' }]);
  assert.ok(matchHttp(table, get('/s?id=42')));
  assert.equal(matchHttp(table, get('/s?id=42x')), undefined);
});
