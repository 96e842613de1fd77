// Small numeric helpers of the benchmark: percentiles of recorded latencies and durations as
// the tools write them ("10s", "250ms", "1.5m").

/** The nearest-rank percentile (0 < p ≤ 100) of sorted values; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** Seconds in "10", "10s", "500ms", "2m", "1.5s"; throws on anything else. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)} (use e.g. 10s, 500ms, 1m)`);
  const value = Number(match[1]);
  switch (match[2]) {
    case 'ms':
      return value / 1000;
    case 'm':
      return value * 60;
    default:
      return value;
  }
}

/** Milliseconds in a latency as wrk prints it: "512.00us", "1.20ms", "2.00s". */
export function parseWrkLatency(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(us|ms|s|m)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  const unit = match[2];
  if (unit === 'us') return value / 1000;
  if (unit === 'ms') return value;
  if (unit === 's') return value * 1000;
  return value * 60_000;
}
