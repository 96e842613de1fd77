// Which endpoint of a backend gets the next request: the balancing policy, apart from the pools
// and sockets that carry it. Default is power-of-two-choices over least outstanding requests
// (Linkerd's default: cheap, no global scan, avoids herding onto one endpoint); round-robin is
// the option. Randomness is injected so tests are deterministic.
import type { EndpointIR } from '../../src/ir/index.js';

/** What the balancer needs to know of an endpoint. */
export type BalancedEndpoint = Pick<EndpointIR, 'address' | 'port' | 'ready' | 'serving' | 'terminating'>;

export type BalancerAlgorithm = 'p2c' | 'round-robin';

export interface BalancerOptions {
  /** Default 'p2c'. */
  algorithm?: BalancerAlgorithm;
  /** Uniform in [0, 1); Math.random in production, a seeded generator in tests. */
  random: () => number;
}

/** `address:port`, with IPv6 addresses in brackets so the key is unambiguous. */
export function endpointKey(endpoint: Pick<EndpointIR, 'address' | 'port'>): string {
  return endpoint.address.includes(':') ? `[${endpoint.address}]:${endpoint.port}` : `${endpoint.address}:${endpoint.port}`;
}

interface Slot<E> {
  endpoint: E;
  readonly key: string;
  inFlight: number;
}

/** One request's hold on an endpoint; release() when the request ends, whatever the outcome. */
export interface Lease<E extends BalancedEndpoint = EndpointIR> {
  readonly endpoint: E;
  /** endpointKey(endpoint): what a retry passes to pick() to avoid this endpoint. */
  readonly key: string;
  /** Idempotent: a second call (e.g. from both an error and a close handler) does nothing. */
  release(): void;
}

class SlotLease<E extends BalancedEndpoint> implements Lease<E> {
  readonly endpoint: E;
  readonly key: string;
  #slot: Slot<E> | undefined;

  constructor(slot: Slot<E>) {
    this.endpoint = slot.endpoint;
    this.key = slot.key;
    this.#slot = slot;
    slot.inFlight++;
  }

  release(): void {
    const slot = this.#slot;
    if (!slot) return;
    this.#slot = undefined;
    slot.inFlight--;
  }
}

export class Balancer<E extends BalancedEndpoint = EndpointIR> {
  readonly #algorithm: BalancerAlgorithm;
  readonly #random: () => number;
  #slots = new Map<string, Slot<E>>();
  /** The slots a request may go to, computed once per update, not per request. */
  #eligible: Slot<E>[] = [];
  #next = 0;

  constructor(endpoints: readonly E[], options: BalancerOptions) {
    this.#algorithm = options.algorithm ?? 'p2c';
    this.#random = options.random;
    this.update(endpoints);
  }

  /**
   * Replaces the endpoint set (a config or EndpointSlice change). Endpoints that stay (same
   * address:port) keep their in-flight count, so a push does not make the balancer forget which
   * endpoints are busy. A lease on a removed endpoint still releases safely.
   */
  update(endpoints: readonly E[]): void {
    const slots = new Map<string, Slot<E>>();
    for (const endpoint of endpoints) {
      const key = endpointKey(endpoint);
      if (slots.has(key)) continue;
      const kept = this.#slots.get(key);
      if (kept) kept.endpoint = endpoint;
      slots.set(key, kept ?? { endpoint, key, inFlight: 0 });
    }
    this.#slots = slots;
    const all = [...slots.values()];
    const ready = all.filter((s) => s.endpoint.ready);
    // Kubernetes semantics (as kube-proxy does): when no endpoint is ready, terminating endpoints
    // that still serve take traffic rather than failing every request during a rollout's tail.
    this.#eligible = ready.length > 0 ? ready : all.filter((s) => s.endpoint.serving && s.endpoint.terminating);
    if (this.#next >= this.#eligible.length) this.#next = 0;
  }

  /** How many endpoints requests can go to now (0: the caller answers 503). */
  get eligibleCount(): number {
    return this.#eligible.length;
  }

  /** Requests in flight on an endpoint (by endpointKey); for metrics and tests. */
  inFlight(key: string): number {
    return this.#slots.get(key)?.inFlight ?? 0;
  }

  /**
   * The endpoint for the next request, or undefined when none is eligible. `exclude` holds keys to
   * avoid (the endpoint a retry just failed on); when every eligible endpoint is excluded the
   * exclusion is ignored, since trying again somewhere beats not trying.
   */
  pick(exclude?: ReadonlySet<string>): Lease<E> | undefined {
    const eligible = this.#eligible;
    const n = eligible.length;
    if (n === 0) return undefined;
    let allowed = n;
    if (exclude !== undefined && exclude.size > 0) {
      for (const slot of eligible) if (exclude.has(slot.key)) allowed--;
      if (allowed === 0 || allowed === n) {
        allowed = n;
        exclude = undefined;
      }
    } else {
      exclude = undefined;
    }
    const slot = this.#algorithm === 'round-robin' ? this.#roundRobin(eligible, exclude) : this.#p2c(eligible, allowed, exclude);
    return new SlotLease(slot);
  }

  #roundRobin(eligible: readonly Slot<E>[], exclude: ReadonlySet<string> | undefined): Slot<E> {
    const n = eligible.length;
    for (let step = 0; step < n; step++) {
      const slot = eligible[this.#next] as Slot<E>;
      this.#next = (this.#next + 1) % n;
      if (!exclude?.has(slot.key)) return slot;
    }
    return eligible[0] as Slot<E>; // unreachable: pick() drops an exclusion that covers everything
  }

  /** Two distinct candidates at random, the one with fewer requests in flight wins (ties: the first). */
  #p2c(eligible: readonly Slot<E>[], allowed: number, exclude: ReadonlySet<string> | undefined): Slot<E> {
    if (allowed === 1) return exclude ? this.#nthAllowed(eligible, 0, exclude) : (eligible[0] as Slot<E>);
    const i = this.#index(allowed);
    let j = this.#index(allowed - 1);
    if (j >= i) j++;
    const a = exclude ? this.#nthAllowed(eligible, i, exclude) : (eligible[i] as Slot<E>);
    const b = exclude ? this.#nthAllowed(eligible, j, exclude) : (eligible[j] as Slot<E>);
    return b.inFlight < a.inFlight ? b : a;
  }

  #index(n: number): number {
    // Clamp: a bad random source returning 1 must not index past the end.
    return Math.min(n - 1, Math.floor(this.#random() * n));
  }

  /** The nth eligible slot not excluded; a scan, but only retries with an exclusion get here. */
  #nthAllowed(eligible: readonly Slot<E>[], nth: number, exclude: ReadonlySet<string>): Slot<E> {
    let seen = 0;
    for (const slot of eligible) {
      if (exclude.has(slot.key)) continue;
      if (seen === nth) return slot;
      seen++;
    }
    return eligible[0] as Slot<E>; // unreachable: nth < number of allowed slots
  }
}
