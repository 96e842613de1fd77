// Backends are chosen in proportion to their weights; weight 0 is never chosen and all-zero
// weights mean no backend. The one-shot function and the prefix-sum chooser agree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseWeighted, WeightedChooser } from '../../../sidecar/backend/weighted.js';

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const backends = [
  { name: 'v1', weight: 70 },
  { name: 'off', weight: 0 },
  { name: 'v2', weight: 20 },
  { name: 'v3', weight: 10 },
];

for (const [label, choose] of [
  ['chooseWeighted', (random: () => number) => chooseWeighted(backends, random)],
  ['WeightedChooser', ((c) => (random: () => number) => c.choose(random))(new WeightedChooser(backends))],
] as const) {
  test(`${label}: shares follow the weights over many picks`, () => {
    const random = seeded(42);
    const counts = new Map<string, number>();
    const picks = 100_000;
    for (let i = 0; i < picks; i++) {
      const b = choose(random);
      assert.ok(b);
      counts.set(b.name, (counts.get(b.name) ?? 0) + 1);
    }
    assert.equal(counts.get('off'), undefined, 'weight 0 is never chosen');
    for (const [name, share] of [['v1', 0.7], ['v2', 0.2], ['v3', 0.1]] as const) {
      const got = (counts.get(name) ?? 0) / picks;
      assert.ok(Math.abs(got - share) < 0.01, `${name}: ${got} vs ${share}`);
    }
  });

  test(`${label}: boundaries of the random range map to the first and last positive weight`, () => {
    assert.equal(choose(() => 0)?.name, 'v1');
    assert.equal(choose(() => 0.6999)?.name, 'v1');
    assert.equal(choose(() => 0.7)?.name, 'v2');
    assert.equal(choose(() => 0.9)?.name, 'v3');
    assert.equal(choose(() => 0.999999)?.name, 'v3');
    assert.equal(choose(() => 1)?.name, 'v3', 'an out-of-contract 1 still picks a backend');
  });
}

test('all weights zero (or no backends): no choice, the caller answers 500', () => {
  const zero = [{ weight: 0 }, { weight: 0 }];
  assert.equal(chooseWeighted(zero, Math.random), undefined);
  assert.equal(chooseWeighted<{ weight: number }>([], Math.random), undefined);
  assert.equal(new WeightedChooser(zero).choose(Math.random), undefined);
  assert.equal(new WeightedChooser(zero).total, 0);
});

test('nonsense weights count as zero', () => {
  const items = [{ id: 'neg', weight: -5 }, { id: 'nan', weight: Number.NaN }, { id: 'inf', weight: Infinity }, { id: 'ok', weight: 1 }];
  for (let i = 0; i < 100; i++) {
    assert.equal(chooseWeighted(items, Math.random)?.id, 'ok');
    assert.equal(new WeightedChooser(items).choose(Math.random)?.id, 'ok');
  }
});

test('a single positive backend is chosen without consulting the random source', () => {
  const chooser = new WeightedChooser([{ id: 'only', weight: 3 }, { id: 'zero', weight: 0 }]);
  let calls = 0;
  const counting = (): number => {
    calls++;
    return 0.5;
  };
  assert.equal(chooser.choose(counting)?.id, 'only');
  assert.equal(calls, 0);
});
