// Regexes are compiled once per IR match object, not per request; a pattern that does not compile
// makes its match never match (fail closed) and explain says why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpMatchIR, HttpRouteTable } from '../../../src/ir/index.js';
import { conditionsOf } from '../../../sidecar/route/conditions.js';
import { explainHttp, httpRequestFacts, matchHttp } from '../../../sidecar/route/match.js';

function table(match: HttpMatchIR): HttpRouteTable {
  const route = { kind: 'HTTPRoute' as const, namespace: 'default', name: 'r' };
  return {
    kind: 'http',
    routeKind: 'HTTPRoute',
    routes: [route],
    matches: [{ rule: 0, match }],
    rules: [{ id: { route, index: 0 }, filters: [], backends: [] }],
  };
}

test('the compiled conditions of a match are reused across requests', () => {
  const match: HttpMatchIR = { path: { type: 'RegularExpression', value: '/a.*' }, headers: [], queryParams: [] };
  const first = conditionsOf(match);
  matchHttp(table(match), httpRequestFacts('GET', '/abc', []));
  assert.equal(conditionsOf(match), first);
});

test('a regex that does not compile never matches, and explain says so', () => {
  const t = table({ path: { type: 'RegularExpression', value: '/a(' }, headers: [], queryParams: [] });
  assert.equal(matchHttp(t, httpRequestFacts('GET', '/a(', [])), undefined);
  const reason = explainHttp(t, httpRequestFacts('GET', '/a(', [])).entries[0]?.failed?.reason ?? '';
  assert.match(reason, /^path: regex "\/a\(" does not compile .* never matches$/);
});

test('RE2 syntax: backreferences are refused rather than run in exponential time', () => {
  const t = table({ headers: [{ name: 'x', type: 'RegularExpression', value: '(a)\\1' }], queryParams: [] });
  assert.equal(matchHttp(t, httpRequestFacts('GET', '/', [['x', 'aa']])), undefined);
});
