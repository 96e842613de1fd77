// ReplacePrefixMatch and redirect Location as the Gateway API defines them (the table under
// HTTPPathModifier.replacePrefixMatch, and RequestRedirect's port rules).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpMatchIR } from '../../../src/ir/index.js';
import { modifiedPath, redirectLocation, replacePrefixMatch } from '../../../sidecar/route/rewrite.js';

test('ReplacePrefixMatch reproduces the spec table', () => {
  const rows: [path: string, prefix: string, replacement: string, want: string][] = [
    ['/foo/bar', '/foo', '/xyz', '/xyz/bar'],
    ['/foo/bar', '/foo', '/xyz/', '/xyz/bar'],
    ['/foo/bar', '/foo/', '/xyz', '/xyz/bar'],
    ['/foo/bar', '/foo/', '/xyz/', '/xyz/bar'],
    ['/foo', '/foo', '/xyz', '/xyz'],
    ['/foo/', '/foo', '/xyz', '/xyz/'],
    ['/foo/bar', '/foo', '', '/bar'],
    ['/foo/', '/foo', '', '/'],
    ['/foo', '/foo', '', '/'],
    ['/foo/', '/foo', '/', '/'],
    ['/foo', '/foo', '/', '/'],
  ];
  for (const [path, prefix, replacement, want] of rows) {
    assert.equal(replacePrefixMatch(path, prefix, replacement), want, `${path} ${prefix} ${replacement}`);
  }
});

test('ReplacePrefixMatch under the prefix "/" prepends the replacement', () => {
  assert.equal(replacePrefixMatch('/a/b', '/', '/v2'), '/v2/a/b');
});

test('ReplaceFullPath ignores the match; ReplacePrefixMatch uses its PathPrefix', () => {
  const match: HttpMatchIR = { path: { type: 'PathPrefix', value: '/old' }, headers: [], queryParams: [] };
  assert.equal(modifiedPath('/old/x', { type: 'ReplaceFullPath', value: '/new' }, match), '/new');
  assert.equal(modifiedPath('/old/x', { type: 'ReplacePrefixMatch', value: '/new' }, match), '/new/x');
});

test('redirect Location: scheme change takes its well-known port, which is then omitted', () => {
  const req = { scheme: 'http' as const, host: 'reviews.bookinfo', port: 9080, path: '/api', rawQuery: 'a=1' };
  assert.equal(redirectLocation({ scheme: 'https', statusCode: 301 }, req, undefined), 'https://reviews.bookinfo/api?a=1');
  assert.equal(redirectLocation({ statusCode: 302 }, req, undefined), 'http://reviews.bookinfo:9080/api?a=1');
  assert.equal(redirectLocation({ hostname: 'example.com', port: 8443, scheme: 'https', statusCode: 302 }, req, undefined), 'https://example.com:8443/api?a=1');
  assert.equal(redirectLocation({ port: 80, statusCode: 302, path: { type: 'ReplaceFullPath', value: '/x' } }, req, undefined), 'http://reviews.bookinfo/x?a=1');
});
