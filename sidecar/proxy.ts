// The sidecar: one process's listeners (outbound, inbound, admin), its config and the data path
// stages wired together. Config arrives through `apply()` (from the config stream's client); a
// config that fails validation is refused and the last good one stays.
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { IR_SCHEMA, redact, validate, type MeshIR } from '../src/ir/index.js';
import { startAdminServer, type AdminServer } from './admin/server.js';
import { HttpForwarder } from './backend/forward.js';
import { MeshView } from './config/mesh-view.js';
import type { Discovery } from './configsync/discovery.js';
import type { BalancerAlgorithm } from './endpoint/balancer.js';
import { Clusters } from './endpoint/clusters.js';
import { Http1Upstream } from './endpoint/upstream-h1.js';
import { Http2Upstream } from './endpoint/upstream-h2.js';
import type { Direction } from './listen/connection.js';
import { contextOf, createListener } from './listen/listener.js';
import { notRedirected, type OrigDstResolver } from './listen/orig-dst.js';
import { AccessLog } from './observe/log.js';
import { ProxyMetrics } from './observe/metrics.js';
import type { ProxyTracing } from './observe/tracing.js';
import { createHttpServers } from './protocol/http-servers.js';
import { UpgradeUpstream } from './protocol/upgrade.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface SidecarOptions {
  /** The namespace of the workload this proxy serves: short names and consumer routes use it. */
  namespace: string;
  outbound: ListenAddress;
  /** Omitted in local mode: there is no redirected inbound traffic. */
  inbound?: ListenAddress;
  admin?: ListenAddress;
  origDst?: OrigDstResolver;
  log: Logger;
  tracing: ProxyTracing;
  accessLog?: boolean;
  balancer?: BalancerAlgorithm;
  connectTimeoutMs?: number;
  sniffTimeoutMs?: number;
  /** Bytes of a request body kept so the request can be retried. */
  replayLimit?: number;
  random?: () => number;
  /**
   * On-demand config: outbound traffic to a destination the proxy holds nothing for waits briefly
   * for the control plane's answer before routing. Without it, the applied IR is all there is.
   */
  discovery?: Discovery;
}

export type ApplyResult = { applied: true; version: string } | { applied: false; reason: string };

export class Sidecar {
  readonly metrics = new ProxyMetrics();
  readonly #options: SidecarOptions;
  readonly #log: Logger;
  readonly #clusters: Clusters;
  readonly #h1: Http1Upstream;
  readonly #h2: Http2Upstream;
  readonly #servers: Server[] = [];
  #view: MeshView | undefined;
  #admin: AdminServer | undefined;
  #addresses = new Map<string, ListenAddress>();
  readonly #connections = new Set<Socket>();

  constructor(options: SidecarOptions) {
    this.#options = options;
    this.#log = options.log;
    const random = options.random ?? Math.random;
    this.#clusters = new Clusters({ algorithm: options.balancer ?? 'p2c', random });
    const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.#h1 = new Http1Upstream({ connectTimeoutMs });
    this.#h2 = new Http2Upstream({ connectTimeoutMs });
  }

  get ready(): boolean {
    return this.#view !== undefined;
  }

  get version(): string | undefined {
    return this.#view?.version;
  }

  /** Where a listener is bound (after start), e.g. for tests listening on port 0. */
  address(name: 'outbound' | 'inbound' | 'admin'): ListenAddress | undefined {
    return this.#addresses.get(name);
  }

  /** A new config. Refused (and the last good one kept) when it does not validate. */
  apply(ir: MeshIR, version: string): ApplyResult {
    if ((ir.schema as string) !== IR_SCHEMA) return this.#reject(`unknown IR schema ${ir.schema}`);
    const problems = validate(ir);
    if (problems.length > 0) {
      return this.#reject(`${problems.length} problem(s), first: ${problems[0]?.code ?? ''} ${problems[0]?.message ?? ''}`);
    }
    const view = new MeshView(ir, version, this.#options.namespace);
    this.#view = view;
    this.#clusters.apply(view);
    this.metrics.configApplied(version);
    this.#log.info({ version, services: ir.services.length }, 'config applied');
    return { applied: true, version };
  }

  async start(): Promise<void> {
    const o = this.#options;
    const random = o.random ?? Math.random;
    const connectTimeoutMs = o.connectTimeoutMs ?? 5000;
    const upgrade = new UpgradeUpstream({ connectTimeoutMs });
    const forwarder = new HttpForwarder({
      view: () => this.#view,
      clusters: this.#clusters,
      h1: this.#h1,
      h2: this.#h2,
      upgrade,
      metrics: this.metrics,
      tracing: o.tracing,
      accessLog: new AccessLog(this.#log, o.accessLog ?? false),
      log: this.#log,
      random,
      replayLimit: o.replayLimit ?? 64 * 1024,
      discovery: o.discovery,
    });
    const serve = (ex: Parameters<HttpForwarder['serve']>[0]): void => {
      void forwarder.serve(ex);
    };
    const { http1, http2 } = createHttpServers(contextOf, serve);
    const listen = async (name: Direction, address: ListenAddress): Promise<void> => {
      const server = createListener({
        direction: name,
        view: () => this.#view,
        origDst: o.origDst ?? notRedirected,
        http1,
        http2,
        sniffTimeoutMs: o.sniffTimeoutMs ?? 100,
        clusters: this.#clusters,
        metrics: this.metrics,
        log: this.#log,
        random,
        connectTimeoutMs,
        discovery: o.discovery,
      });
      server.on('connection', (socket: Socket) => {
        this.#connections.add(socket);
        socket.once('close', () => this.#connections.delete(socket));
      });
      await listenOn(server, address);
      this.#servers.push(server);
      this.#addresses.set(name, boundAddress(server));
    };
    await listen('outbound', o.outbound);
    if (o.inbound) await listen('inbound', o.inbound);
    if (o.admin) {
      this.#admin = await startAdminServer({
        host: o.admin.host,
        port: o.admin.port,
        metrics: this.metrics,
        isReady: () => this.ready,
        configDump: () => ({ version: this.#view?.version ?? null, ir: this.#view ? redact(this.#view.ir) : null }),
      });
      this.#addresses.set('admin', { host: this.#admin.address, port: this.#admin.port });
    }
  }

  /**
   * Stops accepting, gives open connections `drainMs` to finish, then closes what is left (a
   * keep-alive client would otherwise hold the proxy open forever).
   */
  async close(options: { drainMs?: number } = {}): Promise<void> {
    const closed = Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => { resolve(); }))));
    const drainMs = options.drainMs ?? 0;
    if (drainMs > 0) await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, drainMs).unref())]);
    for (const socket of this.#connections) socket.destroy();
    await closed;
    await this.#admin?.close();
    await Promise.all([this.#h1.close(), this.#h2.close()]);
  }

  #reject(reason: string): ApplyResult {
    this.metrics.configRejected('invalid');
    this.#log.warn({ reason, kept: this.#view?.version ?? null }, 'config refused; the last good config stays');
    return { applied: false, reason };
  }
}

function listenOn(server: Server, address: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function boundAddress(server: Server): ListenAddress {
  const a = server.address() as AddressInfo;
  return { host: a.address, port: a.port };
}
