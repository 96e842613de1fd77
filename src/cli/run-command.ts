// `sidelane run -f <file|dir> [-f …]`: a local mesh without a cluster. The control plane runs in
// file mode (the translator fed by YAML files, watched for edits) and one outbound proxy serves a
// workload of `--namespace`, routing by Host. Endpoints come from EndpointSlice manifests.
import type { Command } from 'commander';
import { formatManifestError } from '../api/objects.js';
import { watchManifests, type ManifestWatcher } from '../controller/file-watch.js';
import { DEFAULT_CLUSTER_DOMAIN } from '../translate/index.js';
import { createLogger, type LogLevel } from '../../sidecar/observe/log.js';
import { createTracing } from '../../sidecar/observe/tracing.js';
import { Sidecar } from '../../sidecar/proxy.js';
import type { BalancerAlgorithm } from '../../sidecar/endpoint/balancer.js';
import type { CliIo } from './io.js';
import { parseListenAddress } from '../shared/listen-address.js';
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
}

export interface RunningMesh {
  sidecar: Sidecar;
  watcher: ManifestWatcher;
  close(): Promise<void>;
}

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
    .action(async (flags: RunFlags) => {
      const mesh = await startMesh(flags, io);
      const signal = await (io.untilShutdown?.() ?? new Promise<string>(() => undefined));
      io.err(`${signal}: shutting down`);
      await mesh.close();
    });
}

/** Starts the proxy and the file watcher; the first good config makes the proxy ready. */
export async function startMesh(flags: RunFlags, io: CliIo): Promise<RunningMesh> {
  const log = createLogger({ level: flags.logLevel });
  const tracing = createTracing({
    env: io.env ?? {},
    serviceName: 'sidelane-proxy',
    onWarning: (message) => { log.warn(message); },
  });
  const sidecar = new Sidecar({
    namespace: flags.namespace,
    outbound: loopbackByDefault(flags.listen),
    admin: loopbackByDefault(flags.admin),
    log,
    tracing,
    accessLog: flags.accessLog,
    balancer: flags.balancer,
  });
  await sidecar.start();
  const watcher = await watchManifests({
    paths: flags.filename,
    defaultNamespace: flags.namespace,
    clusterDomain: flags.clusterDomain,
    onConfig: (update) => {
      for (const w of update.warnings) log.warn(formatManifestError(w));
      sidecar.apply(update.ir, update.version);
    },
    onProblem: (report) => {
      for (const e of report.errors) log.error(formatManifestError(e));
      for (const p of report.irProblems) log.error({ path: p.path, code: p.code }, p.message);
      log.warn({ kept: report.kept ?? null }, 'config not applied; the last good config stays');
    },
  });
  const outbound = sidecar.address('outbound');
  const admin = sidecar.address('admin');
  io.err(
    `sidelane run: proxy on ${outbound?.host ?? '?'}:${outbound?.port ?? '?'}, admin on http://${admin?.host ?? '?'}:${admin?.port ?? '?'}` +
      ` (${sidecar.ready ? `config ${sidecar.version ?? ''}` : 'no valid config yet'})`,
  );
  return {
    sidecar,
    watcher,
    close: async () => {
      await watcher.close();
      await sidecar.close();
      await tracing.shutdown();
    },
  };
}

/** A local mesh must not open a proxy to the network unless asked: no host means loopback. */
function loopbackByDefault(text: string): { host: string; port: number } {
  const { host, port } = parseListenAddress(text);
  return { host: host ?? '127.0.0.1', port };
}
