// `sidelane proxy`: the sidecar of one pod, fed by the control plane's config stream. Outbound
// traffic is routed by the routes that apply to the pod's namespace; config for a destination is
// fetched the first time the app talks to it. In an injected pod (`--interception iptables`) the
// init container's rules redirect the app's TCP to the outbound listener and incoming TCP to the
// inbound one, and SO_ORIGINAL_DST says where each connection was going. Without interception,
// clients address the outbound listener and are routed by Host, as with `sidelane run`.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { ConfigClient } from '../../sidecar/configsync/client.js';
import type { BalancerAlgorithm } from '../../sidecar/endpoint/balancer.js';
import { createLogger, type LogLevel } from '../../sidecar/observe/log.js';
import { createTracing } from '../../sidecar/observe/tracing.js';
import { notRedirected, type OrigDstResolver } from '../../sidecar/listen/orig-dst.js';
import { createSoOriginalDst } from '../../sidecar/listen/so-original-dst.js';
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
  inbound?: string;
  interception: 'iptables' | 'none';
  tokenFile?: string;
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
    .option('--outbound <addr>', 'outbound listener (keep it on loopback: it reaches any address the pod can)', '127.0.0.1:15001')
    .option('--inbound <addr>', 'inbound listener for redirected incoming traffic, e.g. 0.0.0.0:15006 (off unless given)')
    .option('--interception <mode>', 'iptables: connections were redirected, read SO_ORIGINAL_DST; none: clients address the proxy', 'none')
    .option('--token-file <path>', 'service-account token shown to the control plane, re-read at every connect (env SIDELANE_TOKEN_FILE)', env.SIDELANE_TOKEN_FILE)
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
      const mode: string = flags.interception;
      if (mode !== 'iptables' && mode !== 'none') {
        io.err(`sidelane proxy: --interception must be iptables or none, got "${mode}"`);
        io.exitCode(2);
        return;
      }
      const proxy = await startProxy(flags, io);
      const where = (name: 'outbound' | 'inbound' | 'admin'): string => {
        const a = proxy.sidecar.address(name);
        return a ? `${name} on ${a.host}:${String(a.port)}` : `no ${name}`;
      };
      io.err(`sidelane proxy: ${where('outbound')}, ${where('inbound')}, ${where('admin')}, interception ${flags.interception}, control plane ${flags.controlPlane.join(', ')}`);
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
    ...(flags.tokenFile !== undefined && flags.tokenFile !== '' ? { tokenFile: flags.tokenFile } : {}),
    idleMs: milliseconds(flags.discoveryIdle, '--discovery-idle'),
  });
  const sidecar: Sidecar = new Sidecar({
    namespace: flags.namespace,
    outbound: loopbackByDefault(flags.outbound),
    ...(flags.inbound !== undefined ? { inbound: loopbackByDefault(flags.inbound) } : {}),
    admin: loopbackByDefault(flags.admin),
    origDst: flags.interception === 'iptables' ? reportingFailures(log) : notRedirected,
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

/**
 * SO_ORIGINAL_DST failing on a redirected connection means the proxy cannot tell where the app was
 * going (no conntrack entry, FFI unavailable); the connection is then routed as unredirected. Said
 * once per distinct reason, not per connection.
 */
function reportingFailures(log: ReturnType<typeof createLogger>): OrigDstResolver {
  const said = new Set<string>();
  return createSoOriginalDst((failure) => {
    if (said.has(failure.code)) return;
    said.add(failure.code);
    log.warn({ code: failure.code, reason: failure.message }, 'original destination unknown; such connections are handled as not redirected');
  });
}

function milliseconds(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`${flag} must be a number of milliseconds, got "${text}"`);
  return n;
}
