// Coalesces bursts of watch events into one translation: it runs after `quietMs` without a new
// event, but never later than `maxMs` after the first event of a burst, so a cluster that never
// goes quiet (endpoints churning) still gets its config. Remembers when the burst began, which
// is where push latency is measured from.

export interface DebouncerOptions {
  quietMs: number;
  maxMs: number;
  /** Called with the time (performance.now()) of the burst's first event. */
  run: (firstEventAt: number) => void;
  /** Clock, for tests; performance.now by default. */
  now?: () => number;
}

export class Debouncer {
  readonly #options: DebouncerOptions;
  readonly #now: () => number;
  #firstEventAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: DebouncerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
  }

  /** An event happened. */
  trigger(): void {
    const now = this.#now();
    this.#firstEventAt ??= now;
    const deadline = this.#firstEventAt + this.#options.maxMs;
    const delay = Math.max(0, Math.min(this.#options.quietMs, deadline - now));
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.flush();
    }, delay);
  }

  /** Runs now if an event is pending. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const first = this.#firstEventAt;
    if (first === undefined) return;
    this.#firstEventAt = undefined;
    this.#options.run(first);
  }

  /** Whether an event is waiting for its run. */
  get pending(): boolean {
    return this.#firstEventAt !== undefined;
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#firstEventAt = undefined;
  }
}
