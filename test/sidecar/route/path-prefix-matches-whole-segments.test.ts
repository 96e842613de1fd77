// PathPrefix matches whole path elements and ignores a trailing "/" on the prefix (Gateway API
// HTTPPathMatch); "/" matches every path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { HttpRouteTable } from '../../../src/ir/index.js';
import { matchHttp, httpRequestFacts } from '../../../sidecar/route/match.js';
import { pathHasPrefix } from '../../../sidecar/route/path-prefix.js';

function prefixTable(prefix: string): HttpRouteTable {
  return {
    kind: 'http',
    routeKind: 'HTTPRoute',
    routes: [{ kind: 'HTTPRoute', namespace: 'shop', name: 'api' }],
    matches: [{ rule: 0, match: { path: { type: 'PathPrefix', value: prefix }, headers: [], queryParams: [] } }],
    rules: [{ id: { route: { kind: 'HTTPRoute', namespace: 'shop', name: 'api' }, index: 0 }, filters: [], backends: [] }],
  };
}

const matches = (prefix: string, target: string): boolean =>
  matchHttp(prefixTable(prefix), httpRequestFacts('GET', target, [])) !== undefined;

test('a prefix matches itself, itself with a trailing slash, and paths below it', () => {
  assert.equal(matches('/foo', '/foo'), true);
  assert.equal(matches('/foo', '/foo/'), true);
  assert.equal(matches('/foo', '/foo/bar'), true);
  assert.equal(matches('/foo', '/foo/bar?x=1'), true);
});

test('a prefix does not match a longer path element', () => {
  assert.equal(matches('/foo', '/foobar'), false);
  assert.equal(matches('/foo', '/fo'), false);
  assert.equal(matches('/foo/bar', '/foo/barbaz/x'), false);
});

test('a trailing slash on the prefix is ignored', () => {
  assert.equal(matches('/foo/', '/foo'), true);
  assert.equal(matches('/foo/', '/foo/'), true);
  assert.equal(matches('/foo/', '/foo/bar'), true);
  assert.equal(matches('/foo/', '/foobar'), false);
});

test('the prefix "/" matches every path', () => {
  for (const p of ['/', '/a', '/a/b/c', '//', '/?q=1']) assert.equal(matches('/', p), true, p);
});

test('matching is case-sensitive', () => {
  assert.equal(matches('/Foo', '/foo'), false);
});

// The segment definition, written independently of the implementation: split on "/", drop the
// prefix's trailing empty elements, and require the prefix's elements to lead the path's.
function segmentDefinition(path: string, prefix: string): boolean {
  const want = prefix.split('/');
  while (want.length > 0 && want[want.length - 1] === '') want.pop();
  const have = path.split('/');
  return want.length <= have.length && want.every((segment, i) => have[i] === segment);
}

const segment = fc.constantFrom('', 'a', 'b', 'ab', 'api', 'v1', 'a.b', '~x', '%2F');
const path = fc.array(segment, { maxLength: 5 }).map((segs) => `/${segs.join('/')}`);
// Prefixes as the API admits them: absolute, no "//", optionally one trailing "/".
const prefix = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', 'ab', 'api', 'v1', 'a.b', '~x'), { maxLength: 4 }), fc.boolean())
  .map(([segs, slash]) => (segs.length === 0 ? '/' : `/${segs.join('/')}${slash ? '/' : ''}`));

test('property: PathPrefix matching equals the path-element definition', () => {
  fc.assert(
    fc.property(path, prefix, (p, pre) => {
      assert.equal(pathHasPrefix(p, pre), segmentDefinition(p, pre));
    }),
    { numRuns: 2000 },
  );
});

test('property: a path always matches every prefix cut at one of its element boundaries', () => {
  fc.assert(
    fc.property(path, fc.nat(), (p, n) => {
      const elements = p.split('/');
      const cut = elements.slice(0, (n % elements.length) + 1).join('/') || '/';
      assert.equal(pathHasPrefix(p, cut), true);
    }),
  );
});
