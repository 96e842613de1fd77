// Weighted choice among a rule's backends (backendRefs[].weight). Weight 0 is never chosen; when
// every weight is 0 there is no backend, and the caller answers 500 as the spec asks. Randomness
// is injected so tests are deterministic.

interface Weighted {
  weight: number;
}

/** Negative, NaN and infinite weights count as 0: the IR validates them, this must not loop or crash. */
function usable(weight: number): number {
  return Number.isFinite(weight) && weight > 0 ? weight : 0;
}

/**
 * One weighted choice, in proportion to `weight`. O(n) per call with no allocation; for a table
 * that is chosen from on every request, build a WeightedChooser once instead.
 */
export function chooseWeighted<T extends Weighted>(items: readonly T[], random: () => number): T | undefined {
  let total = 0;
  for (const item of items) total += usable(item.weight);
  if (total === 0) return undefined;
  let point = random() * total;
  let last: T | undefined;
  for (const item of items) {
    const w = usable(item.weight);
    if (w === 0) continue;
    point -= w;
    last = item;
    if (point < 0) return item;
  }
  // Only reached through floating-point rounding (or a random source returning 1).
  return last;
}

/** Prefix sums over the positive weights, built once per config: a choice is a binary search. */
export class WeightedChooser<T extends Weighted> {
  readonly #items: T[] = [];
  readonly #ends: number[] = [];
  readonly total: number;

  constructor(items: readonly T[]) {
    let total = 0;
    for (const item of items) {
      const w = usable(item.weight);
      if (w === 0) continue;
      total += w;
      this.#items.push(item);
      this.#ends.push(total);
    }
    this.total = total;
  }

  /** Undefined when every weight is 0 (the rule has no backend: 500). */
  choose(random: () => number): T | undefined {
    const n = this.#items.length;
    if (n <= 1) return this.#items[0];
    const point = random() * this.total;
    // First item whose cumulative end is beyond the point.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#ends[mid] as number) > point) hi = mid;
      else lo = mid + 1;
    }
    return this.#items[lo];
  }
}
