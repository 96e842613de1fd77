// On-demand discovery: the destinations (ClusterIPs, host names) this proxy has talked to, which
// it subscribes to at the config server. The first connection to a new destination waits briefly
// for the answer; later ones take the synchronous fast path. Unused destinations are dropped.
import { performance } from 'node:perf_hooks';
import { hostDestination, ipDestination } from '../../src/configsync/resources.js';
import { splitAuthority } from '../config/mesh-view.js';
import type { OriginalDestination } from '../listen/orig-dst.js';

/** What the data path asks before routing (a listener by original destination, the forwarder by Host). */
export interface Discovery {
  /** Fast path, no await: the answer for `destination` is here (or was asked for and will not be waited on again). Marks it used. */
  known(destination: string): boolean;
  /** Subscribes if new; resolves when the answer was applied, after the wait limit, or at once while disconnected. Never rejects. */
  ensure(destination: string): Promise<void>;
}

/**
 * The destination an outbound request or connection is for: its original destination's address
 * when redirected (`ip:`), else the host of its Host / :authority (`host:`, or `ip:` for an IP
 * literal). Undefined when the authority is malformed (the forwarder answers that itself).
 */
export function destinationOf(origDst: OriginalDestination | undefined, authority: string): string | undefined {
  if (origDst) return ipDestination(origDst.address);
  const hostPort = splitAuthority(authority);
  return hostPort ? hostDestination(hostPort.host) : undefined;
}

export interface DestinationCacheOptions {
  /** How long a first lookup waits for the server's answer. */
  waitMs: number;
  /** A destination unused for this long is unsubscribed. */
  idleMs: number;
  /** Whether a stream is up and answering; while not, nobody waits. */
  connected(): boolean;
  /** Sends a Subscribe (when a stream exists; a later Hello carries it otherwise). */
  subscribe(destinations: string[]): void;
  /** Sends an Unsubscribe for destinations that went idle. */
  unsubscribe(destinations: string[]): void;
  now?: () => number;
}

interface Entry {
  lastUsed: number;
  /** Set while a first lookup waits for the answer. */
  waiting: { promise: Promise<void>; release: () => void; timer: NodeJS.Timeout } | undefined;
}

export class DestinationCache implements Discovery {
  readonly #options: DestinationCacheOptions;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  #toSubscribe: string[] = [];
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options: DestinationCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Starts the idle sweep (checked at a quarter of idleMs, so a destination lives at most 1.25 × idleMs unused). */
  start(): void {
    if (this.#sweeper) return;
    this.#sweeper = setInterval(() => { this.sweep(); }, Math.max(10, this.#options.idleMs / 4));
    this.#sweeper.unref();
  }

  stop(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.releaseAll();
  }

  known(destination: string): boolean {
    const entry = this.#entries.get(destination);
    if (!entry) return false;
    entry.lastUsed = this.#now();
    return entry.waiting === undefined;
  }

  ensure(destination: string): Promise<void> {
    const now = this.#now();
    const entry = this.#entries.get(destination);
    if (entry) {
      entry.lastUsed = now;
      return entry.waiting?.promise ?? Promise.resolve();
    }
    const fresh: Entry = { lastUsed: now, waiting: undefined };
    this.#entries.set(destination, fresh);
    this.#queueSubscribe(destination);
    // During an outage the last config is all there is: waiting would only slow the request.
    if (!this.#options.connected()) return Promise.resolve();
    let release = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      release = resolve;
    });
    const timer = setTimeout(() => { this.#settle(destination); }, this.#options.waitMs);
    fresh.waiting = { promise, release, timer };
    return promise;
  }

  /** The server answered for `destination` (applied, or refused: either way nothing better is coming soon). */
  answered(destination: string): void {
    this.#settle(destination);
  }

  /** The stream went down: everyone waiting proceeds with the config there is. */
  releaseAll(): void {
    for (const destination of this.#entries.keys()) this.#settle(destination);
  }

  /** Every destination subscribed to, for the Hello of a reconnect. */
  destinations(): string[] {
    return [...this.#entries.keys()];
  }

  /** Unsubscribes destinations unused for idleMs. Only while connected: the server must hear it. */
  sweep(): void {
    if (!this.#options.connected()) return;
    const cutoff = this.#now() - this.#options.idleMs;
    const idle: string[] = [];
    for (const [destination, entry] of this.#entries) {
      if (entry.waiting === undefined && entry.lastUsed <= cutoff) idle.push(destination);
    }
    if (idle.length === 0) return;
    for (const destination of idle) this.#entries.delete(destination);
    this.#toSubscribe = this.#toSubscribe.filter((d) => !idle.includes(d));
    this.#options.unsubscribe(idle);
  }

  #settle(destination: string): void {
    const entry = this.#entries.get(destination);
    if (!entry?.waiting) return;
    clearTimeout(entry.waiting.timer);
    entry.waiting.release();
    entry.waiting = undefined;
  }

  /** Lookups that start in the same tick go out as one Subscribe. */
  #queueSubscribe(destination: string): void {
    this.#toSubscribe.push(destination);
    if (this.#toSubscribe.length > 1) return;
    queueMicrotask(() => {
      const batch = this.#toSubscribe;
      this.#toSubscribe = [];
      if (batch.length > 0) this.#options.subscribe(batch);
    });
  }
}
