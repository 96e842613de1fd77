// `sidelane proxy`: the sidecar of one pod, fed by the control plane's config stream. Outbound
// traffic is routed by the routes that apply to the pod's namespace; config for a destination is
// fetched the first time the app talks to it. (Transparent interception, the inbound listener's
// redirect and SO_ORIGINAL_DST come with the injector; without them, clients address the outbound
// listener and are routed by Host, as with `sidelane run`.)
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { ConfigClient } from '../../sidecar/configsync/client.js';
import type { BalancerAlgorithm } from '../../sidecar/endpoint/balancer.js';
import { createLogger, type LogLevel } from '../../sidecar/observe/log.js';
import { createTracing } from '../../sidecar/observe/tracing.js';
import { Sidecar } from '../../sidecar/proxy.js';
import { loopbackByDefault } from '../shared/listen-address.js';
import type { CliIo } from './io.js';
import { collect } from './translate-command.js';

export interface ProxyFlags {
  controlPlane: string[];
  pod: string;
  namespace: string;
  serviceAccount: string;
  node: string;
  podIp: string[];
  outbound: string;
  admin: string;
  discoveryWait: string;
  discoveryIdle: string;
  accessLog: boolean;
  logLevel: LogLevel;
  balancer: BalancerAlgorithm;
}

export interface RunningProxy {
  sidecar: Sidecar;
  client: ConfigClient;
  close(): Promise<void>;
}

export function registerProxyCommand(program: Command, io: CliIo): void {
  const env = io.env ?? {};
  const list = (text: string | undefined): string[] => (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  program
    .command('proxy')
    .description("run one pod's sidecar, fed by the controller's config stream")
    .option('--control-plane <addr>', 'a controller replica, host:port (repeatable; env SIDELANE_CONTROL_PLANE, comma-separated)', collect, list(env.SIDELANE_CONTROL_PLANE))
    .option('--pod <name>', 'pod name (env POD_NAME)', env.POD_NAME ?? hostname())
    .option('--namespace <ns>', "pod namespace: decides which consumer routes apply (env POD_NAMESPACE)", env.POD_NAMESPACE ?? 'default')
    .option('--service-account <name>', 'pod service account (env SERVICE_ACCOUNT)', env.SERVICE_ACCOUNT ?? 'default')
    .option('--node <name>', 'node name (env NODE_NAME)', env.NODE_NAME ?? '')
    .option('--pod-ip <ip>', 'pod IP, for inbound config (repeatable; env POD_IPS, comma-separated)', collect, list(env.POD_IPS ?? env.POD_IP))
    .option('--outbound <addr>', 'outbound listener', '127.0.0.1:15001')
    .option('--admin <addr>', 'admin listener (/ready, /live, /metrics, /config)', '127.0.0.1:15000')
    .option('--discovery-wait <ms>', 'how long the first connection to an unknown destination waits for its config', '1000')
    .option('--discovery-idle <ms>', 'a destination unused this long is dropped from the proxy', '600000')
    .option('--access-log', 'log every request (JSON, one line each)', false)
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent (env SIDELANE_LOG_LEVEL)', env.SIDELANE_LOG_LEVEL ?? 'info')
    .option('--balancer <algorithm>', 'p2c or round-robin', 'p2c')
    .action(async (flags: ProxyFlags) => {
      if (flags.controlPlane.length === 0) {
        io.err('sidelane proxy: no --control-plane (or SIDELANE_CONTROL_PLANE) given');
        io.exitCode(2);
        return;
      }
      const proxy = await startProxy(flags, io);
      const outbound = proxy.sidecar.address('outbound');
      const admin = proxy.sidecar.address('admin');
      io.err(`sidelane proxy: outbound on ${outbound?.host ?? '?'}:${String(outbound?.port ?? '?')}, admin on ${admin?.host ?? '?'}:${String(admin?.port ?? '?')}, control plane ${flags.controlPlane.join(', ')}`);
      const signal = await (io.untilShutdown?.() ?? new Promise<string>(() => undefined));
      io.err(`${signal}: shutting down`);
      await proxy.close();
    });
}

export async function startProxy(flags: ProxyFlags, io: CliIo): Promise<RunningProxy> {
  const log = createLogger({ level: flags.logLevel, base: { pod: flags.pod, namespace: flags.namespace } });
  const tracing = createTracing({ env: io.env ?? {}, serviceName: 'sidelane-proxy', onWarning: (message) => { log.warn(message); } });
  const client: ConfigClient = new ConfigClient({
    targets: flags.controlPlane,
    identity: { pod: flags.pod, namespace: flags.namespace, serviceAccount: flags.serviceAccount, node: flags.node, podIps: flags.podIp, kind: 'sidecar' },
    apply: (ir, version) => sidecar.apply(ir, version),
    log: log.child({ component: 'config-client' }),
    waitMs: milliseconds(flags.discoveryWait, '--discovery-wait'),
    idleMs: milliseconds(flags.discoveryIdle, '--discovery-idle'),
  });
  const sidecar: Sidecar = new Sidecar({
    namespace: flags.namespace,
    outbound: loopbackByDefault(flags.outbound),
    admin: loopbackByDefault(flags.admin),
    log,
    tracing,
    accessLog: flags.accessLog,
    balancer: flags.balancer,
    discovery: client,
  });
  await sidecar.start();
  client.start();
  return {
    sidecar,
    client,
    close: async () => {
      await client.close();
      await sidecar.close({ drainMs: 5000 });
      await tracing.shutdown();
    },
  };
}

function milliseconds(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`${flag} must be a number of milliseconds, got "${text}"`);
  return n;
}
