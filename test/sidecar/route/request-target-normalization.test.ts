// How a raw request target becomes the facts matches see: RFC 3986 §6.2.2 normalization of the
// path (unreserved escapes decoded, hex upper-cased, dot segments removed), "//" kept, query split.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeRequestPath, parseRequestTarget } from '../../../sidecar/route/request.js';

test('percent-encoded unreserved characters are decoded, others get upper-case hex', () => {
  assert.equal(normalizeRequestPath('/%7Euser/%41%2d'), '/~user/A-');
  assert.equal(normalizeRequestPath('/a%2fb/%c3%a9'), '/a%2Fb/%C3%A9');
});

test('dot segments are removed, including escaped ones', () => {
  assert.equal(normalizeRequestPath('/a/./b/../c'), '/a/c');
  assert.equal(normalizeRequestPath('/a/%2E%2E/b'), '/b');
  assert.equal(normalizeRequestPath('/../../x'), '/x');
  assert.equal(normalizeRequestPath('/a/b/..'), '/a/');
  assert.equal(normalizeRequestPath('/a/...'), '/a/...');
});

test('empty segments are kept: "//" is not merged', () => {
  assert.equal(normalizeRequestPath('//a//b/'), '//a//b/');
});

test('malformed escapes are kept as sent', () => {
  assert.equal(normalizeRequestPath('/a%zz/%4'), '/a%zz/%4');
});

test('the target splits into path and query; the fragment is dropped', () => {
  assert.deepEqual(parseRequestTarget('/a/b?x=1&y=%20&x=2&&z#frag'), {
    path: '/a/b',
    rawPath: '/a/b',
    rawQuery: 'x=1&y=%20&x=2&&z',
    query: [['x', '1'], ['y', ' '], ['x', '2'], ['z', '']],
  });
});

test('an absolute-form target is reduced to its path', () => {
  assert.equal(parseRequestTarget('http://reviews:9080/api?x=1').path, '/api');
  assert.equal(parseRequestTarget('http://reviews:9080').path, '/');
});

test('asterisk-form is left alone', () => {
  assert.equal(parseRequestTarget('*').path, '*');
});
