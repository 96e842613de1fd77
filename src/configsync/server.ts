// The config server: a gRPC ConfigSync service any controller replica runs (no leader needed).
// It holds the latest published IR, turns each stream into a ProxySession and lets the sessions
// decide what to push; this module only does transport, identity checks (and, with an
// authenticator, the proxy's proof of that identity) and lifecycle.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { MeshIR } from '../ir/index.js';
import { hostPort, parseListenAddress } from '../shared/listen-address.js';
import { refusalStatus, type ProxyAuthenticator } from './auth.js';
import { AuthGate } from './auth-gate.js';
import { GatewayAccess } from './gateway-access.js';
import { PushLatency } from './latency.js';
import { ConfigSyncMetrics } from './metrics.js';
import { configSyncService, type Hello, type ProxyIdentity, type ProxyMessage, type ServerMessageInput } from './proto.js';
import { proxyFields, ProxySession } from './session.js';
import { MeshView } from './views.js';

export interface PublishedConfig {
  ir: MeshIR;
  /** irVersion(ir). */
  version: string;
  /** performance.now() (ms, process-local) of the first watch/file event that led to this IR; for push latency. */
  changedAt?: number;
}

export interface ConfigServerOptions {
  log: Logger;
  /** Metrics are registered here (default: a new Registry, exposed as `.registry`). */
  registry?: Registry;
  /** This replica's name in deltas (for proxies' logs); default the host name. */
  replica?: string;
  /** Default insecure (plaintext h2c). */
  credentials?: grpc.ServerCredentials;
  /** HTTP/2 keepalive pings to each proxy, so dead peers are noticed; default 20000 ms. */
  keepaliveMs?: number;
  /** How long a proxy may take to answer a keepalive ping; default 10000 ms. */
  keepaliveTimeoutMs?: number;
  /** close(): how long streams get to end before the server is forced down; default 1000 ms. */
  closeGraceMs?: number;
  /**
   * Checks each stream's bearer token (`authorization` metadata) against the identity its Hello
   * claims, before anything is sent; a refused stream ends with UNAUTHENTICATED, PERMISSION_DENIED
   * or UNAVAILABLE. Without it every stream is taken at its word.
   */
  authenticate?: ProxyAuthenticator;
  /** How long a verdict on one token and claim is reused (never past the token's exp); default 60000, 0: never. */
  authCacheMs?: number;
  /** Verdicts remembered at most; default 10000. */
  authCacheSize?: number;
  /**
   * Service accounts (`ns/name`) of the gateway proxies: with `authenticate`, only their streams
   * get `gateway/` resources (listeners with TLS keys) for `gateway:<class>` destinations; any other
   * proxy gets an empty answer and a warning is logged. Without `authenticate` nobody's identity is
   * proven, so every proxy may (file mode, tests).
   */
  gatewayServiceAccounts?: readonly string[];
}

/** Messages a proxy may send while its token is checked (a real one sends none after its Hello). */
const MAX_WAITING_MESSAGES = 64;

type ProxyCall = grpc.ServerDuplexStream<ProxyMessage, ServerMessageInput>;

export class ConfigServer {
  readonly registry: Registry;
  readonly #log: Logger;
  readonly #server: grpc.Server;
  readonly #credentials: grpc.ServerCredentials;
  readonly #metrics: ConfigSyncMetrics;
  readonly #latency: PushLatency;
  readonly #replica: string;
  readonly #noncePrefix = randomBytes(4).toString('hex');
  readonly #closeGraceMs: number;
  readonly #sessions = new Set<ProxySession>();
  readonly #calls = new Set<ProxyCall>();
  readonly #gate: AuthGate | undefined;
  readonly #gatewayAccess: GatewayAccess;
  #view: MeshView | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ConfigServerOptions) {
    this.#log = options.log;
    this.registry = options.registry ?? new Registry();
    this.#replica = options.replica ?? hostname();
    this.#credentials = options.credentials ?? grpc.ServerCredentials.createInsecure();
    this.#closeGraceMs = options.closeGraceMs ?? 1000;
    this.#metrics = new ConfigSyncMetrics(this.registry, () => ({
      proxies: this.#sessions.size,
      subscriptions: [...this.#sessions].reduce((sum, s) => sum + s.subscriptionCount, 0),
    }));
    this.#latency = new PushLatency(this.#metrics.pushLatency);
    this.#gate = options.authenticate === undefined ? undefined : new AuthGate({
      authenticate: options.authenticate,
      registry: this.registry,
      ...(options.authCacheMs === undefined ? {} : { cacheMs: options.authCacheMs }),
      ...(options.authCacheSize === undefined ? {} : { cacheSize: options.authCacheSize }),
    });
    this.#gatewayAccess = new GatewayAccess({
      serviceAccounts: options.gatewayServiceAccounts ?? [],
      authenticated: this.#gate !== undefined,
      log: this.#log,
    });
    this.#server = new grpc.Server({
      'grpc.keepalive_time_ms': options.keepaliveMs ?? 20_000,
      'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs ?? 10_000,
    });
    this.#server.addService(configSyncService(), {
      Stream: (call: ProxyCall) => {
        this.#serve(call);
      },
    });
  }

  /** Makes `config` the served version and pushes it; a no-op if that version is already served. */
  publish(config: PublishedConfig): void {
    if (this.#closing !== undefined || config.version === this.#view?.version) return;
    const view = new MeshView(config.ir, config.version);
    this.#view = view;
    this.#metrics.version(config.version);
    this.#latency.published(config.version, config.changedAt);
    for (const session of this.#sessions) if (session.publish(view)) this.#latency.expect(session);
    this.#latency.sealed();
    this.#log.info({ version: config.version, proxies: this.#sessions.size }, 'config version published');
  }

  /** Listens on `host:port` (port 0: any free port); resolves with the bound address. */
  listen(address: string): Promise<{ host: string; port: number }> {
    const parsed = parseListenAddress(address);
    // No host: every IPv4 interface (an IPv6-less pod cannot bind `::`).
    const host = parsed.host ?? '0.0.0.0';
    const target = hostPort(host, parsed.port);
    return new Promise((resolve, reject) => {
      this.#server.bindAsync(target, this.#credentials, (err, port) => {
        if (err !== null) {
          reject(err);
          return;
        }
        this.#log.info({ host, port }, 'config server listening');
        resolve({ host, port });
      });
    });
  }

  connectedProxies(): number {
    return this.#sessions.size;
  }

  /** Ends every stream (proxies reconnect to another replica) and stops the server. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    for (const call of this.#calls) end(call, grpc.status.UNAVAILABLE, 'config server shutting down');
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, this.#closeGraceMs);
      this.#server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  #serve(call: ProxyCall): void {
    if (this.#closing !== undefined) {
      end(call, grpc.status.UNAVAILABLE, 'config server shutting down');
      return;
    }
    this.#calls.add(call);
    const peer = call.getPeer();
    let session: ProxySession | undefined;
    // Set while the proxy's token is checked: what it sends meanwhile waits for the verdict.
    let waiting: ProxyMessage[] | undefined;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      this.#calls.delete(call);
      if (session === undefined) return;
      session.close();
      this.#sessions.delete(session);
      this.#log.info({ peer, proxy: proxyFields(session.identity) }, 'proxy disconnected');
    };
    const refuse = (details: string): void => {
      this.#log.warn({ peer, reason: details }, 'config stream refused');
      end(call, grpc.status.INVALID_ARGUMENT, details);
      finish();
    };
    const handle = (step: () => void): void => {
      if (finished) return;
      try {
        step();
      } catch (err) {
        // A bug must cost one stream (the proxy reconnects), never the controller process.
        this.#log.error({ err, peer }, 'config stream failed');
        end(call, grpc.status.INTERNAL, 'config server error');
        finish();
      }
    };
    let watchGatewayAsks: (destinations: readonly string[]) => void = () => undefined;
    const open = (identity: ProxyIdentity, hello: Hello): void => {
      watchGatewayAsks = this.#gatewayAccess.watch(identity, peer);
      watchGatewayAsks(hello.subscriptions);
      session = new ProxySession(identity, hello, this.#view, {
        gatewayAccess: this.#gatewayAccess.allows(identity),
        log: this.#log,
        metrics: this.#metrics,
        latency: this.#latency,
        replica: this.#replica,
        noncePrefix: this.#noncePrefix,
        send: (delta) => {
          if (!finished) call.write({ delta });
        },
      });
      this.#sessions.add(session);
      this.#log.info(
        { peer, proxy: proxyFields(identity), proxyVersion: hello.proxyVersion, subscriptions: hello.subscriptions.length },
        'proxy connected',
      );
    };
    const admit = (gate: AuthGate, identity: ProxyIdentity, hello: Hello): void => {
      waiting = [];
      void gate.admit(call.metadata, identity).then((verdict) => {
        if (finished) return;
        if (!verdict.ok) {
          // The token itself is never logged nor echoed; the reason says what was wrong with it.
          const proxy = { ...proxyFields(identity), serviceAccount: identity.serviceAccount };
          this.#log.warn({ peer, proxy, refusal: verdict.refusal, reason: verdict.reason }, 'config stream refused: proxy not authenticated');
          end(call, refusalStatus(verdict.refusal), verdict.reason);
          finish();
          return;
        }
        const queued = waiting ?? [];
        waiting = undefined;
        handle(() => { open(identity, hello); });
        for (const message of queued) handle(() => { receive(message); });
      });
    };
    const receive = (message: ProxyMessage): void => {
      if (waiting !== undefined) {
        if (waiting.length >= MAX_WAITING_MESSAGES) refuse('too many messages before the proxy was authenticated');
        else waiting.push(message);
        return;
      }
      if (session === undefined) {
        if (message.message !== 'hello') {
          refuse('the first message on a config stream must be hello');
          return;
        }
        const identity = message.hello.identity;
        if (identity === null || identity.namespace === '') {
          refuse('hello must carry the proxy identity with its namespace');
          return;
        }
        if (this.#gate === undefined) open(identity, message.hello);
        else admit(this.#gate, identity, message.hello);
        return;
      }
      switch (message.message) {
        case 'hello':
          refuse('hello sent twice on one config stream');
          return;
        case 'subscribe':
          watchGatewayAsks(message.subscribe.destinations);
          session.subscribe(message.subscribe.destinations);
          return;
        case 'unsubscribe':
          session.unsubscribe(message.unsubscribe.destinations);
          return;
        case 'ack':
          session.ack(message.ack.nonce, message.ack.version);
          return;
        case 'nack':
          session.nack(message.nack.nonce, message.nack.reason, message.nack.version);
          return;
        case undefined:
          this.#log.debug({ peer }, 'empty message on a config stream ignored');
          return;
      }
    };
    call.on('data', (message: ProxyMessage) => {
      handle(() => { receive(message); });
    });
    // The proxy half-closed: it is going away; finish our side too.
    call.on('end', () => {
      if (!finished) call.end();
      finish();
    });
    call.on('cancelled', finish);
    call.on('error', finish);
    call.on('close', finish);
  }
}

/** Ends a stream with a status (grpc-js turns an emitted error into the trailing status). */
function end(call: ProxyCall, code: grpc.status, details: string): void {
  const error: Partial<grpc.StatusObject> = { code, details };
  call.emit('error', error);
}
