// canonicalJson() spells one value one way: sorted keys, no whitespace, no undefined properties;
// and it refuses what JSON would silently turn into something else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from '../../src/ir/index.js';

test('keys are sorted at every depth, arrays keep their order', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [3, 1, 2], c: 'x' }, e: undefined }),
    '{"a":{"c":"x","d":[3,1,2]},"b":1}',
  );
});

test('it is JSON and round-trips', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assert.deepEqual(JSON.parse(canonicalJson(value)), JSON.parse(JSON.stringify(value)));
    }),
  );
});

test('the same object built in any key order gives the same text', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
      const reversed = Object.fromEntries(Object.entries(object).reverse());
      assert.equal(canonicalJson(reversed), canonicalJson(object));
    }),
  );
});

test('values JSON would mangle are refused', () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1n, () => 1, Symbol('s'), new Map(), new Date(0)]) {
    assert.throws(() => canonicalJson({ bad }), TypeError);
  }
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.throws(() => canonicalJson(circular), /circular/);
});
