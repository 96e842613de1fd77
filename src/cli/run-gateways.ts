// The gateways of `sidelane run`: one GatewayProxy per GatewayClass of ours found in the files, fed
// by the same in-process config server as the run's sidecar (over gRPC, as in a cluster), with
// listener ports moved by --port-offset. After each config it says where every listener is served
// and which status conditions keep something from being served.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { gatewayDestination } from '../configsync/resources.js';
import type { ConfigUpdate } from '../controller/file-watch.js';
import { ConfigClient } from '../../sidecar/configsync/client.js';
import type { BalancerAlgorithm } from '../../sidecar/endpoint/balancer.js';
import { GatewayProxy } from '../../sidecar/gateway/gateway.js';
import type { ProxyTracing } from '../../sidecar/observe/tracing.js';
import { gatewayReport, type GatewayReport } from './run-gateway-report.js';

export interface LocalGatewaysOptions {
  /** The config server, `host:port`. */
  configAddress: string;
  /** Namespace in the gateways' identity (the run's --namespace). */
  namespace: string;
  /** Where listener ports are bound. */
  host: string;
  portOffset: number;
  /** Classes to serve; undefined: every class of ours in the files. */
  classes?: readonly string[];
  log: Logger;
  tracing: ProxyTracing;
  accessLog: boolean;
  balancer: BalancerAlgorithm;
  /** Resolves once every proxy answered every delta the config server sent (or after timeoutMs). */
  deltasAnswered(timeoutMs: number): Promise<boolean>;
  /** Told what is served where, and what is not, after each config. */
  onReport(report: GatewayReport): void;
}

interface LocalGateway {
  proxy: GatewayProxy;
  client: ConfigClient;
}

/** How long one update waits for a new gateway's first config and for deltas to be answered. */
const SETTLE_MS = 5000;

export class LocalGateways {
  readonly #options: LocalGatewaysOptions;
  readonly #gateways = new Map<string, LocalGateway>();
  /** Updates run one after another; this is the latest. */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: LocalGatewaysOptions) {
    this.#options = options;
  }

  /** The gateway proxies by class name. */
  get proxies(): ReadonlyMap<string, GatewayProxy> {
    return new Map([...this.#gateways].map(([name, g]) => [name, g.proxy]));
  }

  /**
   * A config from the files (already published): starts a gateway for each new class, waits for
   * the gateways to apply it and bind their ports, then reports. Never rejects (a failure is logged).
   */
  update(update: ConfigUpdate): Promise<void> {
    this.#queue = this.#queue.then(() => this.#update(update)).catch((err: unknown) => {
      this.#options.log.error({ err }, 'local gateways could not follow the config');
    });
    return this.#queue;
  }

  /** Resolves when every update handed in so far is done. */
  whenUpdated(): Promise<void> {
    return this.#queue;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    await Promise.all([...this.#gateways.values()].map(async (g) => {
      await g.client.close();
      await g.proxy.close();
    }));
  }

  async #update(update: ConfigUpdate): Promise<void> {
    if (this.#closed) return;
    const wanted = (update.ir.gateways ?? [])
      .map((c) => c.name)
      .filter((name) => this.#options.classes === undefined || this.#options.classes.includes(name));
    const started: LocalGateway[] = [];
    for (const className of wanted) {
      if (this.#gateways.has(className)) continue;
      const gateway = await this.#start(className);
      this.#gateways.set(className, gateway);
      started.push(gateway);
    }
    if (this.#gateways.size === 0) {
      this.#options.onReport(gatewayReport(update, () => undefined, this.#options.classes));
      return;
    }
    await Promise.all(started.map((g) => g.client.whenApplied(SETTLE_MS)));
    await this.#options.deltasAnswered(SETTLE_MS);
    await Promise.all([...this.#gateways.values()].map((g) => g.proxy.settled()));
    const report = gatewayReport(
      update,
      (className, listenerPort, transport) => {
        const at = this.#gateways.get(className)?.proxy.boundPorts().get(listenerPort);
        return at?.transport === transport ? at : undefined;
      },
      [...this.#gateways.keys()],
    );
    this.#options.onReport(report);
  }

  async #start(className: string): Promise<LocalGateway> {
    const options = this.#options;
    const log = options.log.child({ gatewayClass: className });
    const proxy: GatewayProxy = new GatewayProxy({
      className,
      host: options.host,
      portOffset: options.portOffset,
      log,
      tracing: options.tracing,
      accessLog: options.accessLog,
      balancer: options.balancer,
    });
    const client = new ConfigClient({
      targets: [options.configAddress],
      identity: { pod: `sidelane-run-gateway-${className}`, namespace: options.namespace, serviceAccount: 'default', node: hostname(), podIps: [], kind: 'gateway' },
      subscriptions: [gatewayDestination(className)],
      apply: (ir, version) => proxy.apply(ir, version),
      log: log.child({ component: 'config-client' }),
    });
    await proxy.start();
    client.start();
    return { proxy, client };
  }
}
