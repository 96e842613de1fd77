// Exponential backoff with jitter for everything that reconnects or retries against a server (the
// controller's watches and status writes, a proxy's config stream): clients cut off together must
// not come back in step. "full" jitter spreads a thousand proxies widest; "equal" jitter keeps at
// least half the delay, so one controller never retries the API server in a tight loop.

export interface BackoffOptions {
  /** The first delay's ceiling (default 200 ms). */
  baseMs?: number;
  /** No delay is longer than this (default 10 s). */
  maxMs?: number;
  /** full: uniform in [0, ceiling); equal: uniform in [ceiling/2, ceiling]. Default full. */
  jitter?: 'full' | 'equal';
  /** Source of randomness in [0, 1); Math.random by default (tests pin it). */
  random?: () => number;
}

export class Backoff {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #jitter: 'full' | 'equal';
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#baseMs = options.baseMs ?? 200;
    this.#maxMs = options.maxMs ?? 10_000;
    this.#jitter = options.jitter ?? 'full';
    this.#random = options.random ?? Math.random;
  }

  /** The delay before the next attempt, from a ceiling of min(max, base·2^attempt). */
  next(): number {
    const ceiling = Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return this.#jitter === 'full'
      ? Math.floor(this.#random() * ceiling)
      : Math.round(ceiling / 2 + (ceiling / 2) * this.#random());
  }

  /** After a success: the next failure starts from the base again. */
  reset(): void {
    this.#attempt = 0;
  }
}
