// One simulated sidecar: a raw ConfigSync stream that says Hello, subscribes to all its
// destinations at once and ACKs every delta the moment it arrives. It applies nothing and keeps
// only what it holds (resource name → version), so the server does all its per-proxy work while
// the simulation costs little.
import * as grpc from '@grpc/grpc-js';
import { newConfigSyncClient, type ConfigSyncClient, type Delta, type ProxyMessageInput, type ServerMessage } from '../../src/configsync/proto.js';
import { destinationResourceName } from '../../src/configsync/resources.js';

export interface SubscriberSpec {
  id: number;
  pod: string;
  /** Identity namespace: decides which consumer routes the server sends. */
  namespace: string;
  destinations: string[];
}

export interface SubscriberHooks {
  /** After the ACK of `delta` was written; `at` is epochMs(). */
  acked(subscriber: SimulatedSidecar, delta: Delta, at: number): void;
  /** The stream ended or failed (the server closed it, or close() was called). */
  ended(subscriber: SimulatedSidecar, reason: string): void;
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // Every simulated sidecar has its own connection, as real ones do (grpc-js would share one).
  'grpc.use_local_subchannel_pool': 1,
  'grpc.max_receive_message_length': -1,
  'grpc.keepalive_time_ms': 30_000,
};

/** Milliseconds since the epoch with sub-millisecond resolution: comparable across processes. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

export class SimulatedSidecar {
  readonly spec: SubscriberSpec;
  /** What it holds: resource name → version. */
  readonly held = new Map<string, string>();
  /** Bodies too, when asked for (the convergence probe reads them). */
  readonly bodies: Map<string, Buffer> | undefined;
  deltas = 0;
  readonly #address: string;
  readonly #hooks: SubscriberHooks;
  #client: ConfigSyncClient | undefined;
  #stream: grpc.ClientDuplexStream<ProxyMessageInput, ServerMessage> | undefined;
  #ended = false;

  constructor(address: string, spec: SubscriberSpec, hooks: SubscriberHooks, options: { keepBodies?: boolean } = {}) {
    this.#address = address;
    this.spec = spec;
    this.#hooks = hooks;
    this.bodies = options.keepBodies === true ? new Map() : undefined;
  }

  /** Every destination it subscribed to has been answered. */
  get synced(): boolean {
    return this.spec.destinations.every((d) => this.held.has(destinationResourceName(d)));
  }

  get ended(): boolean {
    return this.#ended;
  }

  start(): void {
    const client = newConfigSyncClient(this.#address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    this.#client = client;
    const stream = client.Stream();
    this.#stream = stream;
    stream.on('data', (message: ServerMessage) => {
      if (message.message === 'delta') this.#onDelta(message.delta);
    });
    stream.on('error', (err: grpc.ServiceError) => {
      this.#end(`${grpc.status[err.code]}: ${err.details}`);
    });
    stream.on('end', () => {
      this.#end('stream ended by the server');
    });
    stream.write({
      hello: {
        identity: { pod: this.spec.pod, namespace: this.spec.namespace, serviceAccount: 'default', node: 'bench', podIps: [], kind: 'sidecar' },
        proxyVersion: 'bench',
      },
    });
    stream.write({ subscribe: { destinations: this.spec.destinations } });
  }

  close(): void {
    this.#ended = true;
    this.#stream?.cancel();
    this.#client?.close();
  }

  #onDelta(delta: Delta): void {
    // ACK first: the server keeps one delta in flight per proxy, so any delay here is latency.
    this.#stream?.write({ ack: { nonce: delta.nonce, version: delta.version } });
    const at = epochMs();
    this.deltas += 1;
    for (const resource of delta.resources) {
      this.held.set(resource.name, resource.version);
      this.bodies?.set(resource.name, resource.body);
    }
    for (const name of delta.removed) {
      this.held.delete(name);
      this.bodies?.delete(name);
    }
    this.#hooks.acked(this, delta, at);
  }

  #end(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#client?.close();
    this.#hooks.ended(this, reason);
  }
}
