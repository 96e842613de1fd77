// Push latency of one published version: from its `changedAt` (the first watch/file event behind
// it) to the moment the last proxy that had to get it answered (ACK or NACK). Only the current
// version is tracked; a newer publish forgets the older one, which keeps this bounded.
import type { Histogram } from 'prom-client';

interface Tracked {
  version: string;
  changedAt: number;
  /** Proxies (sessions) this version must still reach and be answered by. */
  pending: Set<object>;
  answered: boolean;
}

export class PushLatency {
  readonly #histogram: Histogram;
  readonly #now: () => number;
  #tracked: Tracked | undefined;

  constructor(histogram: Histogram, now: () => number = () => performance.now()) {
    this.#histogram = histogram;
    this.#now = now;
  }

  /** A new version is published; `changedAt` undefined means nothing to measure. */
  published(version: string, changedAt: number | undefined): void {
    this.#tracked =
      changedAt === undefined ? undefined : { version, changedAt, pending: new Set(), answered: false };
  }

  /** `session` will be sent a delta of the current version (decided at publish time). */
  expect(session: object): void {
    this.#tracked?.pending.add(session);
  }

  /** Called once every session was offered the version: with nobody affected there is nothing to observe. */
  sealed(): void {
    if (this.#tracked?.pending.size === 0) this.#tracked = undefined;
  }

  /**
   * `session` answered a delta of `answeredVersion` and now awaits `awaiting` (its in-flight delta's
   * version, if any). It leaves the pending set once it answered the tracked version (later deltas
   * of it answer subscriptions, not the publish) or no longer waits for it (e.g. it NACKed an
   * older delta and is held until the next change).
   */
  answered(session: object, answeredVersion: string, awaiting: string | undefined): void {
    const tracked = this.#tracked;
    if (tracked === undefined || !tracked.pending.has(session)) return;
    const answeredIt = answeredVersion === tracked.version;
    if (answeredIt) tracked.answered = true;
    if (answeredIt || awaiting !== tracked.version) this.#leave(tracked, session);
  }

  /** The session's stream ended. */
  gone(session: object): void {
    const tracked = this.#tracked;
    if (tracked?.pending.has(session)) this.#leave(tracked, session);
  }

  #leave(tracked: Tracked, session: object): void {
    tracked.pending.delete(session);
    if (tracked.pending.size > 0) return;
    // Everyone left without answering this version (disconnects): no push completed, no sample.
    if (tracked.answered) this.#histogram.observe(Math.max(0, this.#now() - tracked.changedAt) / 1000);
    this.#tracked = undefined;
  }
}
