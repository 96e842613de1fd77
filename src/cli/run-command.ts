// `sidelane run -f <file|dir> [-f …]`: a local mesh without a cluster. The control plane runs in
// file mode (the translator fed by YAML files, watched for edits) and one outbound proxy serves a
// workload of `--namespace`, routing by Host. Endpoints come from EndpointSlice manifests. The
// proxy gets its config the way it does in a cluster: from a config server, over gRPC, on demand.
// Gateways of our GatewayClasses in the files are served too, by one gateway per class
// (run-gateways.ts), on their listener ports plus `--port-offset`.
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import type { Registry } from 'prom-client';
import { formatManifestError } from '../api/objects.js';
import { watchManifests, type ManifestWatcher } from '../controller/file-watch.js';
import { ConfigServer } from '../configsync/server.js';
import { ConfigClient } from '../../sidecar/configsync/client.js';
import { DEFAULT_CLUSTER_DOMAIN } from '../translate/index.js';
import { createLogger, type LogLevel } from '../../sidecar/observe/log.js';
import { createTracing } from '../../sidecar/observe/tracing.js';
import { Sidecar } from '../../sidecar/proxy.js';
import type { BalancerAlgorithm } from '../../sidecar/endpoint/balancer.js';
import type { CliIo } from './io.js';
import { hostPort, loopbackByDefault } from '../shared/listen-address.js';
import type { GatewayReport } from './run-gateway-report.js';
import { LocalGateways } from './run-gateways.js';
import { collect } from './translate-command.js';

export interface RunFlags {
  filename: string[];
  namespace: string;
  listen: string;
  admin: string;
  clusterDomain: string;
  accessLog: boolean;
  logLevel: LogLevel;
  balancer: BalancerAlgorithm;
  /** Where the in-process config server listens (default 127.0.0.1:0, any free port). */
  configListen?: string;
  /** Added to every Gateway listener port (80 → 80 + offset); default 0. */
  portOffset?: string;
  /** Where Gateway listener ports are bound; default 127.0.0.1. */
  gatewayHost?: string;
  /** GatewayClasses to serve; default (none given) every class of ours in the files. */
  gatewayClass?: string[];
}

export interface RunningMesh {
  sidecar: Sidecar;
  watcher: ManifestWatcher;
  /** The file-mode control plane's config server the proxy is fed from. */
  configServer: ConfigServer;
  configClient: ConfigClient;
  /** One gateway per GatewayClass of ours in the files (started as classes appear). */
  gateways: LocalGateways;
  /** Where configServer listens, `host:port`. */
  configAddress: string;
  /**
   * Resolves true once the proxy has answered (ACK/NACK) every delta the config server sent it, so
   * whatever was published before the call is in effect; false after `timeoutMs`. The server only
   * sends a proxy what changed for it: the proxy's version need not move on every publish.
   */
  settled(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** How long startMesh waits for the proxy to apply the first good config through the config stream. */
const FIRST_CONFIG_MS = 5000;

export function registerRunCommand(program: Command, io: CliIo): void {
  program
    .command('run')
    .description('run a local mesh from Kubernetes YAML files: file-mode control plane and one outbound proxy')
    .requiredOption('-f, --filename <path>', 'a file or directory of manifests (repeatable; watched)', collect, [])
    .option('-n, --namespace <ns>', 'namespace of the workload the proxy serves (short names, consumer routes)', 'default')
    .option('--listen <addr>', 'outbound listener', '127.0.0.1:15001')
    .option('--admin <addr>', 'admin listener (/ready, /live, /metrics, /config)', '127.0.0.1:15000')
    .option('--cluster-domain <domain>', 'cluster DNS suffix', DEFAULT_CLUSTER_DOMAIN)
    .option('--access-log', 'log every request (JSON, one line each)', false)
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent', 'info')
    .option('--balancer <algorithm>', 'p2c (least outstanding requests of two random endpoints) or round-robin', 'p2c')
    .option('--config-listen <addr>', 'config server the proxy (and others) get config from over gRPC', '127.0.0.1:0')
    .option('--port-offset <n>', 'added to every Gateway listener port (80 → 80 + n), so they can be tried without root', '0')
    .option('--gateway-host <addr>', "where Gateway listener ports are bound (also the Gateways' status address)", '127.0.0.1')
    .option('--gateway-class <name>', 'serve the Gateways of this GatewayClass only (repeatable; default every class with controllerName sidelane.io/gateway-controller)', collect, [])
    .action(async (flags: RunFlags) => {
      const mesh = await startMesh(flags, io);
      const signal = await (io.untilShutdown?.() ?? new Promise<string>(() => undefined));
      io.err(`${signal}: shutting down`);
      await mesh.close();
    });
}

/**
 * Starts the config server, the proxy (fed by a config client, as in a cluster) and the file
 * watcher publishing into the server; resolves once the first good config is applied, if any.
 */
export async function startMesh(flags: RunFlags, io: CliIo): Promise<RunningMesh> {
  const log = createLogger({ level: flags.logLevel });
  const tracing = createTracing({
    env: io.env ?? {},
    serviceName: 'sidelane-proxy',
    onWarning: (message) => { log.warn(message); },
  });
  const configServer = new ConfigServer({ log: log.child({ component: 'config-server' }), replica: 'sidelane-run' });
  const configListen = loopbackByDefault(flags.configListen ?? '127.0.0.1:0');
  const bound = await configServer.listen(hostPort(configListen.host, configListen.port));
  const configAddress = `${dialable(bound.host)}:${bound.port}`;
  const configClient: ConfigClient = new ConfigClient({
    targets: [configAddress],
    identity: { pod: 'sidelane-run', namespace: flags.namespace, serviceAccount: 'default', node: hostname(), podIps: [], kind: 'sidecar' },
    apply: (ir, version) => sidecar.apply(ir, version),
    log: log.child({ component: 'config-client' }),
  });
  const sidecar: Sidecar = new Sidecar({
    namespace: flags.namespace,
    outbound: loopbackByDefault(flags.listen),
    admin: loopbackByDefault(flags.admin),
    log,
    tracing,
    accessLog: flags.accessLog,
    balancer: flags.balancer,
    discovery: configClient,
  });
  await sidecar.start();
  configClient.start();
  const gatewayHost = flags.gatewayHost ?? '127.0.0.1';
  const gateways = new LocalGateways({
    configAddress,
    namespace: flags.namespace,
    host: gatewayHost,
    portOffset: portOffset(flags.portOffset ?? '0'),
    ...(flags.gatewayClass !== undefined && flags.gatewayClass.length > 0 ? { classes: flags.gatewayClass } : {}),
    log: log.child({ component: 'gateway' }),
    tracing,
    accessLog: flags.accessLog,
    balancer: flags.balancer,
    deltasAnswered: (timeoutMs) => deltasAnswered(configServer.registry, timeoutMs),
    onReport: (report) => { printGatewayReport(report, io); },
  });
  const watcher = await watchManifests({
    paths: flags.filename,
    defaultNamespace: flags.namespace,
    clusterDomain: flags.clusterDomain,
    gatewayAddresses: [{ type: isIP(gatewayHost) === 0 ? 'Hostname' : 'IPAddress', value: gatewayHost }],
    onConfig: (update) => {
      for (const w of update.warnings) log.warn(formatManifestError(w));
      configServer.publish({ ir: update.ir, version: update.version, changedAt: performance.now() });
      void gateways.update(update);
    },
    onProblem: (report) => {
      for (const e of report.errors) log.error(formatManifestError(e));
      for (const p of report.irProblems) log.error({ path: p.path, code: p.code }, p.message);
      log.warn({ kept: report.kept ?? null }, 'config not applied; the last good config stays');
    },
  });
  if (watcher.current() !== undefined && !(await configClient.whenApplied(FIRST_CONFIG_MS))) {
    log.warn({ config: configAddress }, 'the proxy has not applied the first config yet');
  }
  // The first config's gateways are up (ports bound) before startMesh resolves.
  await gateways.whenUpdated();
  const outbound = sidecar.address('outbound');
  const admin = sidecar.address('admin');
  io.err(
    `sidelane run: proxy on ${outbound?.host ?? '?'}:${outbound?.port ?? '?'}, admin on http://${admin?.host ?? '?'}:${admin?.port ?? '?'}` +
      `, config server on ${configAddress}` +
      ` (${sidecar.ready ? `config ${sidecar.version ?? ''}` : 'no valid config yet'})`,
  );
  return {
    sidecar,
    watcher,
    configServer,
    configClient,
    gateways,
    configAddress,
    settled: (timeoutMs) => deltasAnswered(configServer.registry, timeoutMs),
    close: async () => {
      await watcher.close();
      await gateways.close();
      await configClient.close();
      await sidecar.close();
      await configServer.close();
      await tracing.shutdown();
    },
  };
}

/** Polls the server's counters: pushes = ACKs + NACKs (over every proxy) means none is in flight. */
async function deltasAnswered(registry: Registry, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const [pushes, acks, nacks] = await Promise.all(
      ['pushes_total', 'acks_total', 'nacks_total'].map((name) => counterValue(registry, `sidelane_configsync_${name}`)),
    );
    if (pushes === (acks ?? 0) + (nacks ?? 0)) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function counterValue(registry: Registry, name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

/** Where the Gateways' listeners are served and what keeps any from being served, on stderr. */
function printGatewayReport(report: GatewayReport, io: CliIo): void {
  if (report.served.length > 0) io.err(`sidelane run: Gateway listeners served:\n${report.served.map((l) => `  ${l}`).join('\n')}`);
  if (report.problems.length > 0) io.err(`sidelane run: Gateway and route status problems:\n${report.problems.map((l) => `  ${l}`).join('\n')}`);
}

function portOffset(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new RangeError(`--port-offset must be a whole number in 0..65535, got "${text}"`);
  return n;
}

/** The address a local client dials for a server bound to `host` (a wildcard means this machine). */
function dialable(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
