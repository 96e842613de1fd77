// The rhythm every status writer shares: passes run only while enabled (the leader), one at a
// time; a request during a pass runs one more pass after it; a pass that failed is retried after
// a backoff. What a pass does is the writer's business.
import { Backoff } from '../../shared/backoff.js';

export class StatusLoop {
  readonly #pass: () => Promise<boolean>;
  readonly #ready: () => boolean;
  readonly #backoff = new Backoff({ baseMs: 500, maxMs: 30_000, jitter: 'equal' });
  #enabled = false;
  #closed = false;
  #running: Promise<void> | undefined;
  #again = false;
  #retry: NodeJS.Timeout | undefined;

  /**
   * `pass` reconciles everything once and says whether a write failed (and should be retried);
   * no pass runs before `ready` (the writer has had its first translation).
   */
  constructor(pass: () => Promise<boolean>, ready: () => boolean = () => true) {
    this.#pass = pass;
    this.#ready = ready;
  }

  /** Enabled and not closed: a pass in progress checks this between writes. */
  get active(): boolean {
    return this.#enabled && !this.#closed;
  }

  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    if (enabled) this.kick();
  }

  /** Runs a pass now, or once more after the running one. */
  kick(): void {
    if (!this.active || !this.#ready()) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves once no pass is running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.idle();
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      const failed = await this.#pass();
      clearTimeout(this.#retry);
      if (failed) {
        const delayMs = this.#backoff.next();
        this.#retry = setTimeout(() => {
          this.kick();
        }, delayMs);
      } else {
        this.#backoff.reset();
      }
    } while (this.#repeat());
  }

  /** Another kick arrived during the pass (a method: the flag changes behind the compiler's back). */
  #repeat(): boolean {
    return this.#again && this.active;
  }
}
