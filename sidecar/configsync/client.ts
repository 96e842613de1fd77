// The proxy's end of config distribution: one gRPC stream to a control-plane replica (picked at
// random on every (re)connect, so proxies spread over replicas), Hello with identity and what is
// held, on-demand subscriptions, and every delta applied to a copy of the store, then ACKed or NACKed.
// An outage changes nothing the proxy serves: the last config stays and nobody waits for answers.
// With a token file, every stream carries the pod's service-account token (read afresh each time).
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { MeshIR } from '../../src/ir/index.js';
import { newConfigSyncClient, type ConfigSyncClient, type ProxyIdentity as WireIdentity, type Delta, type ProxyMessageInput, type ServerMessage } from '../../src/configsync/proto.js';
import { INBOUND_DESTINATION, parseResourceName } from '../../src/configsync/resources.js';
import type { ApplyResult } from '../proxy.js';
import { Backoff, type BackoffOptions } from '../../src/shared/backoff.js';
import { DestinationCache, type Discovery } from './discovery.js';
import { TokenSource } from './token.js';
import { ResourceStore } from './store.js';

/** Who this proxy is: the server picks consumer routes by namespace and inbound Services by pod IP. */
export interface ProxyIdentity extends Omit<WireIdentity, 'kind'> {
  kind: 'sidecar' | 'gateway';
}

export interface ConfigClientOptions {
  /** Control-plane replicas, `host:port` each; any of them serves. */
  targets: readonly string[];
  identity: ProxyIdentity;
  /** The proxy's apply (Sidecar.apply): refused configs are NACKed and the last good one stays. */
  apply(ir: MeshIR, version: string): ApplyResult;
  log: Logger;
  /** How long a first connection to an unknown destination waits for the answer (default 1000 ms). */
  waitMs?: number;
  /** An unused destination is unsubscribed after this long (default 10 minutes). */
  idleMs?: number;
  backoff?: BackoffOptions;
  random?: () => number;
  /** The Sidelane build, for the server's logs. */
  proxyVersion?: string;
  /**
   * Destinations held for the proxy's whole life, subscribed in every Hello and never dropped when
   * idle (a gateway proxy's `gateway:<class>`). A sidecar also always holds `inbound`.
   */
  subscriptions?: readonly string[];
  /**
   * The projected service-account token (audience `sidelane`) to show the control plane as
   * `authorization: Bearer …`. Read at every (re)connect, as the kubelet rotates it.
   */
  tokenFile?: string;
}

type Stream = grpc.ClientDuplexStream<ProxyMessageInput, ServerMessage>;

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // A replica that vanished without closing its connections (a node lost) is noticed in ~40 s.
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  // A gateway's first delta holds every Service it routes to: no fixed 4 MiB ceiling.
  'grpc.max_receive_message_length': -1,
};

export class ConfigClient implements Discovery {
  readonly #options: ConfigClientOptions;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #random: () => number;
  readonly #destinations: DestinationCache;
  readonly #token: TokenSource | undefined;
  #store = new ResourceStore();
  #version: string | undefined;
  #client: ConfigSyncClient | undefined;
  #stream: Stream | undefined;
  #connected = false;
  #started = false;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  #onApplied: (() => void)[] = [];

  constructor(options: ConfigClientOptions) {
    if (options.targets.length === 0) throw new Error('ConfigClient needs at least one control-plane address');
    this.#options = options;
    this.#log = options.log;
    this.#random = options.random ?? Math.random;
    this.#backoff = new Backoff({ random: this.#random, ...options.backoff });
    this.#token = options.tokenFile === undefined ? undefined : new TokenSource(options.tokenFile, options.log);
    this.#destinations = new DestinationCache({
      waitMs: options.waitMs ?? 1000,
      idleMs: options.idleMs ?? 10 * 60_000,
      connected: () => this.#connected,
      subscribe: (destinations) => { this.#send({ subscribe: { destinations } }); },
      unsubscribe: (destinations) => {
        this.#log.debug({ destinations }, 'config: idle destinations unsubscribed');
        this.#send({ unsubscribe: { destinations } });
      },
    });
  }

  /** Whether a stream is up and has delivered a delta. */
  get connected(): boolean {
    return this.#connected;
  }

  /** The version the proxy runs (the last applied delta's), undefined before the first. */
  get version(): string | undefined {
    return this.#version;
  }

  /** Resources held (Services, endpoint sets, destinations): what this proxy's memory grows with. */
  get resourceCount(): number {
    return this.#store.size;
  }

  /** Destinations subscribed to on demand (without `inbound`). */
  subscriptions(): string[] {
    return this.#destinations.destinations();
  }

  known(destination: string): boolean {
    return this.#destinations.known(destination);
  }

  ensure(destination: string): Promise<void> {
    return this.#destinations.ensure(destination);
  }

  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#destinations.start();
    this.#connect();
  }

  /** Resolves true once a config was applied, false after `timeoutMs` without one. */
  whenApplied(timeoutMs: number): Promise<boolean> {
    if (this.#version !== undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#onApplied = this.#onApplied.filter((f) => f !== done);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      this.#onApplied.push(done);
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#destinations.stop();
    const stream = this.#stream;
    this.#stream = undefined;
    this.#connected = false;
    stream?.cancel();
    this.#client?.close();
    this.#client = undefined;
    return Promise.resolve();
  }

  #connect(): void {
    const targets = this.#options.targets;
    const target = targets[Math.floor(this.#random() * targets.length)] ?? targets[0] ?? '';
    // A new channel each time: grpc's own reconnect backoff (up to 2 minutes) must not stand
    // between a proxy and a control plane that is back.
    const client = newConfigSyncClient(target, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    const stream = client.Stream(this.#metadata());
    this.#client = client;
    this.#stream = stream;
    stream.on('data', (message: ServerMessage) => {
      if (stream === this.#stream && message.message === 'delta') this.#onDelta(message.delta, target);
    });
    stream.on('error', (err: grpc.ServiceError) => {
      const reason = err.details || err.message;
      if (err.code === grpc.status.UNAUTHENTICATED || err.code === grpc.status.PERMISSION_DENIED) {
        // The control plane does not believe who this proxy says it is: worth a line every time,
        // as no config will come until that is fixed (the token, its audience, or the identity).
        this.#log.warn({ target, code: grpc.status[err.code], reason, tokenFile: this.#options.tokenFile ?? null }, 'config stream refused by the control plane');
      }
      this.#ended(stream, target, reason);
    });
    stream.on('end', () => {
      this.#ended(stream, target, 'stream ended by the server');
    });
    this.#send({
      hello: {
        identity: { ...this.#options.identity, podIps: [...this.#options.identity.podIps] },
        resourceVersions: this.#store.versions(),
        subscriptions: [...this.#standing(), ...this.#destinations.destinations()],
        proxyVersion: this.#options.proxyVersion ?? 'sidelane',
      },
    });
  }

  /** What every Hello subscribes to besides on-demand destinations: a gateway has no inbound side. */
  #standing(): string[] {
    const fixed = this.#options.subscriptions ?? [];
    return this.#options.identity.kind === 'gateway' ? [...fixed] : [INBOUND_DESTINATION, ...fixed];
  }

  /** The stream's metadata: the bearer token when there is one to read (else none: the server says why it refuses). */
  #metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    const token = this.#token?.read();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    return metadata;
  }

  #ended(stream: Stream, target: string, reason: string): void {
    if (stream !== this.#stream) return;
    this.#stream = undefined;
    const wasConnected = this.#connected;
    this.#connected = false;
    this.#client?.close();
    this.#client = undefined;
    // Whoever waits for an answer goes ahead with what the proxy has; the config itself stays.
    this.#destinations.releaseAll();
    if (this.#closed) return;
    const delayMs = this.#backoff.next();
    const fields = { target, reason, retryInMs: delayMs, version: this.#version ?? null };
    if (wasConnected) this.#log.warn(fields, 'config stream lost; serving the last config');
    else this.#log.debug(fields, 'config stream could not be opened');
    this.#retry = setTimeout(() => { this.#connect(); }, delayMs);
    this.#retry.unref();
  }

  #onDelta(delta: Delta, target: string): void {
    if (!this.#connected) {
      this.#connected = true;
      this.#backoff.reset();
      this.#log.info({ target, controller: delta.controller }, 'config stream up');
    }
    const { resources, removed } = delta;
    const next = this.#store.clone();
    let outcome: ApplyResult;
    try {
      next.update(resources, removed);
      const unchanged = resources.length === 0 && removed.length === 0 && delta.version === this.#version;
      outcome = unchanged ? { applied: true, version: delta.version } : this.#options.apply(next.meshIR(delta.clusterDomain), delta.version);
    } catch (err) {
      // A delta that cannot be read is refused like an invalid one: NACKed, never thrown.
      outcome = { applied: false, reason: err instanceof Error ? err.message : String(err) };
    }
    if (outcome.applied) {
      this.#store = next;
      this.#version = delta.version;
      this.#send({ ack: { nonce: delta.nonce, version: delta.version } });
      for (const notify of this.#onApplied.splice(0)) notify();
    } else {
      this.#log.warn({ nonce: delta.nonce, version: delta.version, kept: this.#version ?? null, reason: outcome.reason }, 'config delta refused (NACK)');
      this.#send({ nack: { nonce: delta.nonce, reason: outcome.reason, version: this.#version ?? '' } });
    }
    // Either way the answer is in: a refused one will not turn good by waiting for it.
    for (const resource of resources) {
      const parsed = parseResourceName(resource.name);
      if (parsed?.kind === 'destination') this.#destinations.answered(parsed.key);
    }
  }

  #send(message: ProxyMessageInput): void {
    const stream = this.#stream;
    if (!stream) return;
    try {
      stream.write(message);
    } catch (err) {
      // A write racing the stream's end; the 'error'/'end' handler reconnects.
      this.#log.debug({ err }, 'config stream write failed');
    }
  }
}
