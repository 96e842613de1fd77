// Exponential backoff with jitter for everything that retries against the API server (watches,
// discovery, status writes): replicas that lost the server together must not come back in step.

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** Source of randomness in [0, 1); Math.random by default (tests pin it). */
  random?: () => number;
}

export const DEFAULT_BACKOFF_BASE_MS = 200;
export const DEFAULT_BACKOFF_CAP_MS = 10_000;

export class Backoff {
  readonly #baseMs: number;
  readonly #capMs: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#baseMs = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.#capMs = options.capMs ?? DEFAULT_BACKOFF_CAP_MS;
    this.#random = options.random ?? Math.random;
  }

  /** The delay before the next attempt: base·2ⁿ capped, then between half and all of it. */
  next(): number {
    const ceiling = Math.min(this.#capMs, this.#baseMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt += 1;
    return Math.round(ceiling / 2 + (ceiling / 2) * this.#random());
  }

  /** After a success: the next failure starts from the base again. */
  reset(): void {
    this.#attempt = 0;
  }
}
