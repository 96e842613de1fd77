// One proxy's stream, as state: who it is, what it subscribed to, what it holds (acked), and the
// one delta it may have in flight. Transport-free: the server feeds it messages and sends what it
// asks to; every rule about what to send when lives here.
import type { Logger } from 'pino';
import type { PushLatency } from './latency.js';
import type { ConfigSyncMetrics } from './metrics.js';
import type { Delta, Hello, ProxyIdentity } from './proto.js';
import type { EncodedResource, MeshView, ProxyScope } from './views.js';

export interface SessionDeps {
  log: Logger;
  metrics: ConfigSyncMetrics;
  latency: PushLatency;
  /** This replica's name, sent in every delta for the proxy's logs. */
  replica: string;
  /** Unique per server: nonces from another replica or stream never match. */
  noncePrefix: string;
  send: (delta: Delta) => void;
  /** Whether `gateway:` destinations bring the class and its keys to this proxy (default false). */
  gatewayAccess?: boolean;
}

interface InFlight {
  nonce: string;
  version: string;
  /** What the proxy holds once it ACKs: name → version. */
  next: Map<string, string>;
}

export class ProxySession {
  readonly identity: ProxyIdentity;
  readonly #deps: SessionDeps;
  readonly #log: Logger;
  readonly #scope: ProxyScope;
  readonly #subscriptions: Set<string>;
  /** What the proxy holds: from its hello, then from each ACKed delta. */
  #acked: Map<string, string>;
  #inFlight: InFlight | undefined;
  #view: MeshView | undefined;
  #desired = new Map<string, EncodedResource>();
  /** A delta is owed even if empty: the first on the stream (the proxy learns the version) or a Subscribe's answer. */
  #answerOwed = true;
  /** After a NACK, what the refused delta would have brought the proxy to: nothing is resent until
   *  the desired state differs from it (a publish that concerns this proxy) or a subscription changes. */
  #refused: Map<string, string> | undefined;
  #sequence = 0;
  #closed = false;

  constructor(identity: ProxyIdentity, hello: Hello, view: MeshView | undefined, deps: SessionDeps) {
    this.identity = identity;
    this.#deps = deps;
    this.#log = deps.log.child({ proxy: proxyFields(identity) });
    this.#scope = { namespace: identity.namespace, podIps: identity.podIps, gatewayAccess: deps.gatewayAccess ?? false };
    this.#subscriptions = new Set(hello.subscriptions);
    this.#acked = new Map(Object.entries(hello.resourceVersions));
    this.#view = view;
    this.#recompute();
    this.#pump();
  }

  get subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  /** A new IR version. True when this proxy will be sent a delta of it (for push latency). */
  publish(view: MeshView): boolean {
    if (this.#closed) return false;
    this.#view = view;
    this.#recompute();
    if (this.#refused !== undefined && differs(this.#desired, this.#refused)) this.#refused = undefined;
    const affected =
      this.#refused === undefined && (this.#answerOwed || differs(this.#desired, this.#inFlight?.next ?? this.#acked));
    this.#pump();
    return affected;
  }

  subscribe(destinations: readonly string[]): void {
    for (const d of destinations) this.#subscriptions.add(d);
    this.#log.debug({ destinations }, 'subscribe');
    // Answered even when nothing new results: the proxy waits for this answer.
    this.#answerOwed = true;
    this.#changed();
  }

  unsubscribe(destinations: readonly string[]): void {
    for (const d of destinations) this.#subscriptions.delete(d);
    this.#log.debug({ destinations }, 'unsubscribe');
    this.#changed();
  }

  ack(nonce: string, version: string): void {
    const sent = this.#answer(nonce, 'ACK');
    if (sent === undefined) return;
    this.#deps.metrics.acks.inc();
    this.#acked = sent.next;
    this.#log.debug({ nonce, version }, 'delta acknowledged');
    this.#pump();
    this.#deps.latency.answered(this, sent.version, this.#inFlight?.version);
  }

  nack(nonce: string, reason: string, version: string): void {
    const sent = this.#answer(nonce, 'NACK');
    if (sent === undefined) return;
    this.#deps.metrics.nacks.inc();
    // The proxy kept its last good config, which is what `acked` says it holds.
    this.#refused = sent.next;
    this.#log.warn({ nonce, refused: sent.version, kept: version, reason }, 'proxy rejected a config delta (NACK); it keeps its last good config');
    this.#deps.latency.answered(this, sent.version, undefined);
  }

  close(): void {
    this.#closed = true;
    this.#deps.latency.gone(this);
  }

  #answer(nonce: string, what: string): InFlight | undefined {
    const sent = this.#inFlight;
    if (sent?.nonce !== nonce) {
      this.#log.debug({ nonce, expected: sent?.nonce ?? null }, `${what} for an unknown nonce ignored`);
      return undefined;
    }
    this.#inFlight = undefined;
    return sent;
  }

  #changed(): void {
    this.#recompute();
    this.#refused = undefined;
    this.#pump();
  }

  #recompute(): void {
    this.#desired = this.#view?.desired(this.#scope, this.#subscriptions) ?? new Map<string, EncodedResource>();
  }

  /** Sends the next delta if none is in flight and there is something (or an owed answer) to send. */
  #pump(): void {
    const view = this.#view;
    if (this.#closed || view === undefined || this.#inFlight !== undefined || this.#refused !== undefined) return;
    const resources = [...this.#desired]
      .filter(([name, r]) => this.#acked.get(name) !== r.version)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const removed = [...this.#acked.keys()].filter((name) => !this.#desired.has(name)).sort();
    if (resources.length === 0 && removed.length === 0 && !this.#answerOwed) return;
    this.#answerOwed = false;
    const nonce = `${this.#deps.noncePrefix}-${++this.#sequence}`;
    this.#inFlight = {
      nonce,
      version: view.version,
      next: new Map([...this.#desired].map(([name, r]) => [name, r.version])),
    };
    this.#deps.metrics.pushes.inc();
    this.#log.debug({ nonce, version: view.version, resources: resources.length, removed: removed.length }, 'delta sent');
    this.#deps.send({
      nonce,
      version: view.version,
      resources: resources.map(([name, r]) => ({ name, version: r.version, body: r.body })),
      removed,
      controller: this.#deps.replica,
      clusterDomain: view.clusterDomain,
    });
  }
}

/** How a proxy appears in log lines (key `proxy`). */
export function proxyFields(identity: ProxyIdentity): { pod: string; namespace: string; node: string; kind: string } {
  return { pod: identity.pod, namespace: identity.namespace, node: identity.node, kind: identity.kind };
}

function differs(desired: ReadonlyMap<string, EncodedResource>, held: ReadonlyMap<string, string>): boolean {
  if (desired.size !== held.size) return true;
  for (const [name, r] of desired) if (held.get(name) !== r.version) return true;
  return false;
}
