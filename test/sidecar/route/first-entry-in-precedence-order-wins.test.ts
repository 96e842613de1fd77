// The table's `matches` are already in precedence order (the translator sorts them); the matcher
// takes the first entry that matches, even when a later one matches too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpRouteTable, RouteRef } from '../../../src/ir/index.js';
import { httpRequestFacts, matchHttp } from '../../../sidecar/route/match.js';

const older: RouteRef = { kind: 'HTTPRoute', namespace: 'bookinfo', name: 'reviews-v2' };
const newer: RouteRef = { kind: 'HTTPRoute', namespace: 'bookinfo', name: 'reviews' };

const table: HttpRouteTable = {
  kind: 'http',
  routeKind: 'HTTPRoute',
  routes: [older, newer],
  matches: [
    { rule: 1, match: { path: { type: 'Exact', value: '/reviews/1' }, headers: [], queryParams: [] } },
    { rule: 0, match: { path: { type: 'PathPrefix', value: '/reviews' }, headers: [{ name: 'version', type: 'Exact', value: 'v2' }], queryParams: [] } },
    { rule: 2, match: { path: { type: 'PathPrefix', value: '/reviews' }, headers: [], queryParams: [] } },
    { rule: 2, match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] } },
  ],
  rules: [
    { id: { route: older, index: 0 }, filters: [], backends: [] },
    { id: { route: newer, index: 0, name: 'exact' }, filters: [], backends: [] },
    { id: { route: newer, index: 1 }, filters: [], backends: [] },
  ],
};

test('the first matching entry decides, and its rule is returned', () => {
  const exact = matchHttp(table, httpRequestFacts('GET', '/reviews/1', [['version', 'v2']]));
  assert.equal(exact?.index, 0);
  assert.equal(exact.rule.id.name, 'exact');

  const byHeader = matchHttp(table, httpRequestFacts('GET', '/reviews/2', [['version', 'v2']]));
  assert.equal(byHeader?.index, 1);
  assert.deepEqual(byHeader.rule.id.route, older);

  const fallback = matchHttp(table, httpRequestFacts('GET', '/reviews/2', []));
  assert.equal(fallback?.index, 2);
  assert.equal(fallback.entry.rule, 2);

  assert.equal(matchHttp(table, httpRequestFacts('GET', '/ratings', []))?.index, 3);
});

test('no entry matching gives undefined (the proxy answers 404)', () => {
  const narrow: HttpRouteTable = { ...table, matches: table.matches.slice(0, 2) };
  assert.equal(matchHttp(narrow, httpRequestFacts('GET', '/ratings', [])), undefined);
});
