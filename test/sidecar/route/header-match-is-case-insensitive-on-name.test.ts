// Header matches: the name compares case-insensitively, an Exact value case-sensitively, a
// RegularExpression value as a full match; a repeated header is matched as its values joined by ",".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HeaderMatch, HttpRouteTable } from '../../../src/ir/index.js';
import { matchHttp, type NameValue } from '../../../sidecar/route/match.js';

function headerTable(headers: HeaderMatch[]): HttpRouteTable {
  const route = { kind: 'HTTPRoute' as const, namespace: 'bookinfo', name: 'reviews' };
  return {
    kind: 'http',
    routeKind: 'HTTPRoute',
    routes: [route],
    matches: [{ rule: 0, match: { headers, queryParams: [] } }],
    rules: [{ id: { route, index: 0 }, filters: [], backends: [] }],
  };
}

const request = (headers: NameValue[]) => ({ method: 'GET', path: '/', query: [], headers });

test('the header name matches in any case', () => {
  const table = headerTable([{ name: 'version', type: 'Exact', value: 'v2' }]);
  assert.ok(matchHttp(table, request([['Version', 'v2']])));
  assert.ok(matchHttp(table, request([['VERSION', 'v2']])));
  assert.ok(matchHttp(table, request([['version', 'v2']])));
});

test('an Exact value is case-sensitive', () => {
  const table = headerTable([{ name: 'version', type: 'Exact', value: 'v2' }]);
  assert.equal(matchHttp(table, request([['version', 'V2']])), undefined);
});

test('an absent header never matches, not even a regex that accepts the empty string', () => {
  assert.equal(matchHttp(headerTable([{ name: 'version', type: 'Exact', value: 'v2' }]), request([])), undefined);
  assert.equal(matchHttp(headerTable([{ name: 'version', type: 'RegularExpression', value: '.*' }]), request([])), undefined);
});

test('a RegularExpression value must match the whole value', () => {
  const table = headerTable([{ name: 'version', type: 'RegularExpression', value: 'v[0-9]+' }]);
  assert.ok(matchHttp(table, request([['version', 'v12']])));
  assert.equal(matchHttp(table, request([['version', 'xv12']])), undefined);
  assert.equal(matchHttp(table, request([['version', 'v12-beta']])), undefined);
});

test('a repeated header is compared to its values joined by ","', () => {
  const exact = headerTable([{ name: 'x-tag', type: 'Exact', value: 'a,b' }]);
  assert.ok(matchHttp(exact, request([['x-tag', 'a'], ['X-Tag', 'b']])));
  assert.equal(matchHttp(exact, request([['x-tag', 'a']])), undefined);
  const single = headerTable([{ name: 'x-tag', type: 'Exact', value: 'a' }]);
  assert.equal(matchHttp(single, request([['x-tag', 'a'], ['x-tag', 'b']])), undefined);
});

test('surrounding whitespace is not part of a header value', () => {
  const table = headerTable([{ name: 'version', type: 'Exact', value: 'v2' }]);
  assert.ok(matchHttp(table, request([['version', '  v2 ']])));
});

test('every header match must hold', () => {
  const table = headerTable([
    { name: 'a', type: 'Exact', value: '1' },
    { name: 'b', type: 'Exact', value: '2' },
  ]);
  assert.ok(matchHttp(table, request([['a', '1'], ['b', '2']])));
  assert.equal(matchHttp(table, request([['a', '1']])), undefined);
});

test('of two header matches with the same name only the first counts', () => {
  const table = headerTable([
    { name: 'version', type: 'Exact', value: 'v1' },
    { name: 'Version', type: 'Exact', value: 'v2' },
  ]);
  assert.ok(matchHttp(table, request([['version', 'v1']])));
});

test('repeated cookie headers are joined with "; ", as HTTP/2 splits them', () => {
  const table = headerTable([{ name: 'cookie', type: 'RegularExpression', value: '.*session=abc.*' }]);
  assert.ok(matchHttp(table, request([['cookie', 'a=1'], ['cookie', 'session=abc']])));
  const exact = headerTable([{ name: 'cookie', type: 'Exact', value: 'a=1; b=2' }]);
  assert.ok(matchHttp(exact, request([['cookie', 'a=1'], ['cookie', 'b=2']])));
});
