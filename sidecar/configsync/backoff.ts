// Reconnect delays for the config stream: exponential with full jitter (AWS's "full jitter"), so
// a thousand proxies cut off by one control-plane restart do not all come back in the same
// millisecond. Reset once a stream has proven healthy (it delivered a delta).

export interface BackoffOptions {
  /** The first delay's ceiling (default 200 ms). */
  baseMs?: number;
  /** No delay is longer than this (default 10 s). */
  maxMs?: number;
  random?: () => number;
}

export class Backoff {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#baseMs = options.baseMs ?? 200;
    this.#maxMs = options.maxMs ?? 10_000;
    this.#random = options.random ?? Math.random;
  }

  /** The delay before the next attempt: uniform in [0, min(max, base·2^attempt)). */
  next(): number {
    const ceiling = Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return Math.floor(this.#random() * ceiling);
  }

  reset(): void {
    this.#attempt = 0;
  }
}
