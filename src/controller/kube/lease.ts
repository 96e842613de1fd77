// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: every write carries
// the resourceVersion it read (optimistic concurrency), a lease is taken over only once it has
// expired, the leader steps down when it cannot renew in time, and close() releases the lease
// so another replica takes over at its next try instead of waiting for expiry.
import type { Logger } from 'pino';
import { isConflict, isNotFound, objectPath, type KubeHttp } from './kube-http.js';

export interface LeaderElectorOptions {
  http: KubeHttp;
  log: Logger;
  identity: string;
  namespace: string;
  name: string;
  leaseDurationMs: number;
  /** How often the leader renews and a follower looks; also the retry period. */
  renewPeriodMs: number;
  onChange: (leader: boolean) => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  readonly #options: LeaderElectorOptions;
  readonly #path: string;
  #leader = false;
  #lease: Lease | undefined;
  /** Our last successful acquire or renew (performance.now()). */
  #renewedAt = 0;
  /** The lease record last seen and when we first saw it, as client-go judges expiry. */
  #observed: { record: string; at: number } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #closed = false;

  constructor(options: LeaderElectorOptions) {
    this.#options = options;
    this.#path = objectPath('coordination.k8s.io/v1', 'leases', options.namespace, options.name);
  }

  isLeader(): boolean {
    return this.#leader;
  }

  start(): void {
    this.#schedule(0);
  }

  /** Stops trying; releases the lease if we hold it. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#ticking;
    const lease = this.#lease;
    const wasLeader = this.#leader;
    this.#setLeader(false);
    if (!wasLeader || !lease) return;
    const now = microTime(new Date());
    try {
      await this.#options.http.request('PUT', this.#path, {
        body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now } },
        timeoutMs: 2000,
      });
      this.#options.log.info({ lease: this.#options.name }, 'leadership released');
    } catch (err) {
      this.#options.log.warn({ err }, 'could not release the lease; it will expire');
    }
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#ticking = this.#tick().finally(() => {
        this.#ticking = undefined;
        this.#schedule(this.#options.renewPeriodMs * (this.#leader ? 1 : 1 + Math.random() * 0.2));
      });
    }, delayMs);
  }

  async #tick(): Promise<void> {
    try {
      if (this.#leader && this.#lease) await this.#renew(this.#lease);
      else await this.#tryAcquire();
    } catch (err) {
      this.#options.log.warn({ err, leader: this.#leader }, 'lease request failed');
    }
    // Step down before others may take over: they wait a full lease duration from our last renew.
    if (this.#leader && performance.now() - this.#renewedAt > this.#renewDeadlineMs()) {
      this.#options.log.warn({ lease: this.#options.name }, 'lease not renewed in time; stepping down');
      this.#setLeader(false);
    }
  }

  #renewDeadlineMs(): number {
    return Math.max(this.#options.renewPeriodMs, (this.#options.leaseDurationMs * 2) / 3);
  }

  async #renew(lease: Lease): Promise<void> {
    const renewed: Lease = { ...lease, spec: { ...lease.spec, renewTime: microTime(new Date()), leaseDurationSeconds: this.#durationSeconds() } };
    try {
      this.#lease = (await this.#options.http.request('PUT', this.#path, { body: renewed, timeoutMs: this.#options.renewPeriodMs * 2 })) as Lease;
      this.#renewedAt = performance.now();
    } catch (err) {
      if (!isConflict(err) && !isNotFound(err)) throw err;
      // Someone else wrote the lease (or deleted it): see who holds it now.
      this.#lease = undefined;
      await this.#tryAcquire();
    }
  }

  async #tryAcquire(): Promise<void> {
    const { http, identity } = this.#options;
    let current: Lease | undefined;
    try {
      current = (await http.get(this.#path)) as Lease;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const now = new Date();
    const spec: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: this.#durationSeconds(),
      renewTime: microTime(now),
    };
    if (current === undefined) {
      const lease: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.#options.name, namespace: this.#options.namespace },
        spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 },
      };
      await this.#write('POST', this.#path.slice(0, this.#path.lastIndexOf('/')), lease);
      return;
    }
    const holder = current.spec?.holderIdentity ?? '';
    if (holder === identity) {
      await this.#write('PUT', this.#path, { ...current, spec: { ...current.spec, ...spec } });
      return;
    }
    if (holder !== '' && !this.#expired(current)) {
      this.#lease = current;
      this.#setLeader(false);
      return;
    }
    const transitions = (current.spec?.leaseTransitions ?? 0) + 1;
    await this.#write('PUT', this.#path, {
      ...current,
      spec: { ...current.spec, ...spec, acquireTime: microTime(now), leaseTransitions: transitions },
    });
  }

  /** Creates or updates the lease as ours; a conflict means another replica got there first. */
  async #write(method: 'POST' | 'PUT', path: string, lease: Lease): Promise<void> {
    try {
      this.#lease = (await this.#options.http.request(method, path, { body: lease, timeoutMs: this.#options.renewPeriodMs * 2 })) as Lease;
    } catch (err) {
      if (!isConflict(err)) throw err;
      this.#setLeader(false);
      return;
    }
    this.#renewedAt = performance.now();
    this.#setLeader(true);
  }

  /**
   * Expired when the holder's renewTime is older than its duration, or when (whatever the
   * clocks say) the record has not changed for that long while we watched it.
   */
  #expired(lease: Lease): boolean {
    const durationMs = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
    const record = JSON.stringify([lease.spec?.holderIdentity, lease.spec?.renewTime, lease.metadata.resourceVersion]);
    const nowMono = performance.now();
    if (this.#observed?.record !== record) this.#observed = { record, at: nowMono };
    if (nowMono - this.#observed.at > durationMs) return true;
    const renewTime = Date.parse(lease.spec?.renewTime ?? '');
    return Number.isNaN(renewTime) || renewTime + durationMs < Date.now();
  }

  #durationSeconds(): number {
    return Math.max(1, Math.ceil(this.#options.leaseDurationMs / 1000));
  }

  #setLeader(leader: boolean): void {
    if (leader === this.#leader) return;
    this.#leader = leader;
    this.#options.log.info({ lease: this.#options.name, identity: this.#options.identity, leader }, leader ? 'became leader' : 'lost leadership');
    this.#options.onChange(leader);
  }
}
