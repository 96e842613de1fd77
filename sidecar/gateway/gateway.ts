// Gateway mode: the proxy as the shared north-south entry of a GatewayClass. The listener ports of
// every Gateway of the class are bound here and served by the sidecar's own stages (HTTP/1.1 and
// HTTP/2 servers, the forwarder with its routing, retries, timeouts and tracing, the balancers and
// the L4 paths); only the choice of route table differs: by listener port, SNI and Host.
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { IR_SCHEMA, redact, validate, type MeshIR } from '../../src/ir/index.js';
import { startAdminServer, type AdminServer } from '../admin/server.js';
import { HttpForwarder } from '../backend/forward.js';
import { MeshView } from '../config/mesh-view.js';
import type { BalancerAlgorithm } from '../endpoint/balancer.js';
import { Clusters } from '../endpoint/clusters.js';
import { Http1Upstream } from '../endpoint/upstream-h1.js';
import { Http2Upstream } from '../endpoint/upstream-h2.js';
import type { ConnectionContext } from '../listen/connection.js';
import { AccessLog } from '../observe/log.js';
import { ProxyMetrics } from '../observe/metrics.js';
import type { ProxyTracing } from '../observe/tracing.js';
import { createHttpServers } from '../protocol/http-servers.js';
import { UpgradeUpstream } from '../protocol/upgrade.js';
import type { ApplyResult, ListenAddress } from '../proxy.js';
import { acceptGatewayConnection, type GatewayConfig } from './accept.js';
import type { GatewayL4Deps } from './l4-forward.js';
import { GatewayPorts, type BoundPort } from './ports.js';
import { CertificateStore } from './tls-terminate.js';
import { UdpPort } from './udp.js';
import { GatewayView } from './view.js';

export interface GatewayProxyOptions {
  /** The GatewayClass whose Gateways this proxy serves. */
  className: string;
  /** Bind address of listener ports, default '0.0.0.0'. */
  host?: string;
  /** Added to every listener port (local use without root): listener 80 → 80 + offset. */
  portOffset?: number;
  admin?: ListenAddress;
  log: Logger;
  tracing: ProxyTracing;
  accessLog?: boolean;
  balancer?: BalancerAlgorithm;
  connectTimeoutMs?: number;
  /** Bytes of a request body kept so the request can be retried. */
  replayLimit?: number;
  random?: () => number;
  /** UDP session idle timeout unless the class sets one; default 60_000. */
  udpIdleTimeoutMs?: number;
  /** How long a removed port's connections may finish before they are closed; default 30_000. */
  portDrainMs?: number;
  /** ClientHello and TLS handshake deadline; default 10_000. */
  handshakeTimeoutMs?: number;
}

/** One applied config: the mesh (Services, endpoints), the class's listeners and their certificates. */
interface AppliedConfig extends GatewayConfig {
  mesh: MeshView;
}

const NO_CONTEXT: ConnectionContext = { direction: 'gateway', origDst: undefined, remoteAddress: '', remotePort: 0, localAddress: '', localPort: 0 };

export class GatewayProxy {
  readonly metrics = new ProxyMetrics();
  readonly #options: GatewayProxyOptions;
  readonly #log: Logger;
  readonly #clusters: Clusters;
  readonly #h1: Http1Upstream;
  readonly #h2: Http2Upstream;
  readonly #ports: GatewayPorts;
  readonly #contexts = new WeakMap<Duplex, ConnectionContext>();
  #config: AppliedConfig | undefined;
  #admin: AdminServer | undefined;

  constructor(options: GatewayProxyOptions) {
    this.#options = options;
    this.#log = options.log;
    const random = options.random ?? Math.random;
    const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.#clusters = new Clusters({ algorithm: options.balancer ?? 'p2c', random });
    this.#h1 = new Http1Upstream({ connectTimeoutMs });
    this.#h2 = new Http2Upstream({ connectTimeoutMs });
    const forwarder = new HttpForwarder({
      view: () => this.#config?.mesh,
      gateway: () => this.#config?.view,
      clusters: this.#clusters,
      h1: this.#h1,
      h2: this.#h2,
      upgrade: new UpgradeUpstream({ connectTimeoutMs }),
      metrics: this.metrics,
      tracing: options.tracing,
      accessLog: new AccessLog(this.#log, options.accessLog ?? false),
      log: this.#log,
      random,
      replayLimit: options.replayLimit ?? 64 * 1024,
    });
    const serve = (ex: Parameters<HttpForwarder['serve']>[0]): void => {
      void forwarder.serve(ex);
    };
    const contextOf = (socket: Duplex): ConnectionContext => this.#contexts.get(socket) ?? NO_CONTEXT;
    const { http1, http2 } = createHttpServers(contextOf, serve);
    const l4: GatewayL4Deps = { clusters: this.#clusters, metrics: this.metrics, log: this.#log, random, connectTimeoutMs };
    const acceptDeps = {
      config: () => this.#config,
      http1,
      http2,
      remember: (socket: Duplex, context: ConnectionContext) => {
        this.#contexts.set(socket, context);
      },
      l4,
      log: this.#log,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    };
    this.#ports = new GatewayPorts({
      host: options.host ?? '0.0.0.0',
      portOffset: options.portOffset ?? 0,
      log: this.#log,
      registry: this.metrics.registry,
      drainMs: options.portDrainMs ?? 30_000,
      onConnection: (socket, listenerPort) => {
        acceptGatewayConnection(socket, listenerPort, acceptDeps);
      },
      newUdpListener: (_listenerPort, idleTimeoutMs) => new UdpPort({ ...l4, idleTimeoutMs }),
    });
  }

  get ready(): boolean {
    return this.#config !== undefined;
  }

  get version(): string | undefined {
    return this.#config?.mesh.version;
  }

  /**
   * A new config: refused (the last good one stays) when it does not validate or a certificate
   * cannot be loaded. Otherwise the class's ports are opened and closed to match (see settled());
   * new connections and requests use it at once, open connections keep their TLS session.
   */
  apply(ir: MeshIR, version: string): ApplyResult {
    if ((ir.schema as string) !== IR_SCHEMA) return this.#reject(`unknown IR schema ${ir.schema}`);
    const problems = validate(ir);
    if (problems.length > 0) {
      return this.#reject(`${problems.length} problem(s), first: ${problems[0]?.code ?? ''} ${problems[0]?.message ?? ''}`);
    }
    const gatewayClass = ir.gateways?.find((c) => c.name === this.#options.className);
    const view = new GatewayView(gatewayClass, version);
    let certificates: CertificateStore;
    try {
      certificates = CertificateStore.build(view, this.#config?.certificates);
    } catch (error) {
      return this.#reject(error instanceof Error ? error.message : String(error));
    }
    const mesh = new MeshView(ir, version, '');
    this.#config = { mesh, view, certificates };
    this.#clusters.apply(mesh);
    this.metrics.configApplied(version);
    const udpIdleTimeoutMs = gatewayClass?.udpIdleTimeoutMs ?? this.#options.udpIdleTimeoutMs ?? 60_000;
    void this.#ports.reconcile(view.ports, udpIdleTimeoutMs);
    this.#log.info({ version, gatewayClass: this.#options.className, ports: view.ports.length }, 'gateway config applied');
    return { applied: true, version };
  }

  /** Resolves once the ports of the latest applied config are bound (or failed: logged and counted). */
  settled(): Promise<void> {
    return this.#ports.settled();
  }

  /** Listener port (as in the Gateway) → where it is bound (after the offset). */
  boundPorts(): Map<number, BoundPort> {
    return this.#ports.bound();
  }

  /** Where the admin server is bound (after start), e.g. for tests listening on port 0. */
  address(_name: 'admin'): ListenAddress | undefined {
    return this.#admin ? { host: this.#admin.address, port: this.#admin.port } : undefined;
  }

  /** Starts the admin server (probes, metrics, config dump); listener ports follow apply(). */
  async start(): Promise<void> {
    const admin = this.#options.admin;
    if (!admin) return;
    this.#admin = await startAdminServer({
      host: admin.host,
      port: admin.port,
      metrics: this.metrics,
      isReady: () => this.ready,
      configDump: () => ({ version: this.version ?? null, ir: this.#config ? redact(this.#config.mesh.ir) : null }),
    });
  }

  /** Stops accepting on every port, gives open connections `drainMs` to finish, then closes them. */
  async close(options: { drainMs?: number } = {}): Promise<void> {
    await this.#ports.close(options.drainMs ?? 0);
    await this.#admin?.close();
    await Promise.all([this.#h1.close(), this.#h2.close()]);
  }

  #reject(reason: string): ApplyResult {
    this.metrics.configRejected('invalid');
    this.#log.warn({ reason, kept: this.version ?? null }, 'gateway config refused; the last good config stays');
    return { applied: false, reason };
  }
}
