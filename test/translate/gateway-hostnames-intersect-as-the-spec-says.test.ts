// Listener and route hostnames meet as the spec's examples say: a wildcard narrows to the more
// specific side, `*.example.com` never covers `example.com`, and a route without hostnames takes
// the listener's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareHostPrecedence,
  effectiveHostnames,
  hostnamesOverlap,
  intersectHostnames,
  patternCovers,
} from '../../src/translate/gateway-route-hostnames.js';

const intersections: [string, string, string | undefined][] = [
  ['foo.example.com', 'foo.example.com', 'foo.example.com'],
  ['*.example.com', 'foo.example.com', 'foo.example.com'],
  ['foo.example.com', '*.example.com', 'foo.example.com'],
  ['*.example.com', 'a.b.example.com', 'a.b.example.com'],
  ['*.example.com', '*.foo.example.com', '*.foo.example.com'],
  ['*.foo.example.com', '*.example.com', '*.foo.example.com'],
  ['*.example.com', '*.example.com', '*.example.com'],
  ['*.example.com', 'example.com', undefined],
  ['*.example.com', 'foo.example.net', undefined],
  ['*.example.com', '*.example.net', undefined],
  ['foo.example.com', 'bar.example.com', undefined],
  ['*.example.com', 'badexample.com', undefined],
  ['*', 'foo.example.com', 'foo.example.com'],
  ['*', '*.example.com', '*.example.com'],
  ['foo.example.com', '*', 'foo.example.com'],
];

for (const [a, b, want] of intersections) {
  test(`${a} ∩ ${b} = ${want ?? 'nothing'}`, () => {
    assert.equal(intersectHostnames(a, b), want);
  });
}

test('a wildcard covers deeper names and narrower wildcards, not its own apex', () => {
  assert.equal(patternCovers('*.example.com', 'x.y.example.com'), true);
  assert.equal(patternCovers('*.example.com', '*.y.example.com'), true);
  assert.equal(patternCovers('*.example.com', 'example.com'), false);
  assert.equal(patternCovers('foo.example.com', '*.example.com'), false);
});

test('effective hostnames: listener hostname meets each route hostname; none on either side gives *', () => {
  assert.deepEqual(effectiveHostnames('*.example.com', ['foo.example.com', 'foo.example.net', '*.bar.example.com']), [
    'foo.example.com',
    '*.bar.example.com',
  ]);
  assert.deepEqual(effectiveHostnames('foo.example.com', []), ['foo.example.com']);
  assert.deepEqual(effectiveHostnames(undefined, []), ['*']);
  assert.deepEqual(effectiveHostnames(undefined, ['B.Example.com', 'a.example.com']), ['a.example.com', 'b.example.com']);
  assert.deepEqual(effectiveHostnames('foo.example.com', ['bar.example.com']), []);
});

test('precedence: exact longest first, then wildcards longest first, then *', () => {
  const sorted = ['*', '*.example.com', 'a.example.com', '*.foo.example.com', 'long.name.example.com'].sort(compareHostPrecedence);
  assert.deepEqual(sorted, ['long.name.example.com', 'a.example.com', '*.foo.example.com', '*.example.com', '*']);
});

test('overlap of hostname sets', () => {
  assert.equal(hostnamesOverlap(['*'], ['grpc.example.com']), true);
  assert.equal(hostnamesOverlap(['a.example.com'], ['*.example.net', 'b.example.com']), false);
});
