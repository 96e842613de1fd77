// `sidelane gateway`: the shared north-south gateway of one GatewayClass (gateway mode), fed by the
// control plane's config stream. It holds `gateway:<class>` for its whole life: every listener of
// every Gateway of the class, the Services their routes send to and those Services' endpoints.
// Ports are opened and closed as Gateways come and go; SIGTERM drains open connections first.
import { hostname } from 'node:os';
import { Option, type Command } from 'commander';
import { gatewayDestination } from '../configsync/resources.js';
import { ConfigClient } from '../../sidecar/configsync/client.js';
import type { BalancerAlgorithm } from '../../sidecar/endpoint/balancer.js';
import { GatewayProxy } from '../../sidecar/gateway/gateway.js';
import { createLogger, type LogLevel } from '../../sidecar/observe/log.js';
import { createTracing } from '../../sidecar/observe/tracing.js';
import { parseListenAddress } from '../shared/listen-address.js';
import type { CliIo } from './io.js';
import { collect } from './translate-command.js';

export interface GatewayFlags {
  controller: string[];
  /** The proxy command's spelling of --controller, accepted too. */
  controlPlane?: string[];
  gatewayClass?: string;
  host: string;
  portOffset: string;
  admin: string;
  pod: string;
  namespace: string;
  serviceAccount: string;
  node: string;
  podIp: string[];
  tokenFile?: string;
  drain: string;
  accessLog: boolean;
  logLevel: LogLevel;
  balancer: BalancerAlgorithm;
}

export interface RunningGateway {
  gateway: GatewayProxy;
  client: ConfigClient;
  close(): Promise<void>;
}

export function registerGatewayCommand(program: Command, io: CliIo): void {
  const env = io.env ?? {};
  const list = (text: string | undefined): string[] => (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  program
    .command('gateway')
    .description("run the shared gateway of a GatewayClass: every listener of the class's Gateways, fed by the controller's config stream")
    .option('--controller <addr>', 'a controller replica, host:port (repeatable; env SIDELANE_CONTROL_PLANE, comma-separated)', collect, list(env.SIDELANE_CONTROL_PLANE))
    .addOption(new Option('--control-plane <addr>', 'same as --controller').argParser(collect).default([]).hideHelp())
    .option('--gateway-class <name>', 'the GatewayClass to serve (env SIDELANE_GATEWAY_CLASS)', env.SIDELANE_GATEWAY_CLASS)
    .option('--host <addr>', 'address the listener ports are bound on', '0.0.0.0')
    .option('--port-offset <n>', 'added to every listener port (80 → 80 + n), to run without privileges', '0')
    .option('--admin <addr>', 'admin listener (/ready, /live, /metrics, /config); no host: every interface, for probes', '0.0.0.0:15000')
    .option('--pod <name>', 'pod name (env POD_NAME)', env.POD_NAME ?? hostname())
    .option('--namespace <ns>', 'pod namespace (env POD_NAMESPACE)', env.POD_NAMESPACE ?? 'default')
    .option('--service-account <name>', 'pod service account: the controller gives gateway config only to its --gateway-service-account ones (env SERVICE_ACCOUNT)', env.SERVICE_ACCOUNT ?? 'default')
    .option('--node <name>', 'node name (env NODE_NAME)', env.NODE_NAME ?? '')
    .option('--pod-ip <ip>', 'pod IP (repeatable; env POD_IPS, comma-separated)', collect, list(env.POD_IPS ?? env.POD_IP))
    .option('--token-file <path>', 'service-account token shown to the control plane, re-read at every connect (env SIDELANE_TOKEN_FILE)', env.SIDELANE_TOKEN_FILE)
    .option('--drain <ms>', 'on SIGTERM/SIGINT, how long open connections get to finish', '5000')
    .option('--access-log', 'log every request (JSON, one line each)', false)
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent (env SIDELANE_LOG_LEVEL)', env.SIDELANE_LOG_LEVEL ?? 'info')
    .option('--balancer <algorithm>', 'p2c or round-robin', 'p2c')
    .action(async (flags: GatewayFlags) => {
      const controllers = [...flags.controller, ...(flags.controlPlane ?? [])];
      if (controllers.length === 0) {
        io.err('sidelane gateway: no --controller (or SIDELANE_CONTROL_PLANE) given');
        io.exitCode(2);
        return;
      }
      if (flags.gatewayClass === undefined || flags.gatewayClass === '' || flags.gatewayClass.includes('/')) {
        io.err('sidelane gateway: --gateway-class (or SIDELANE_GATEWAY_CLASS) must name a GatewayClass');
        io.exitCode(2);
        return;
      }
      const running = await startGateway({ ...flags, controller: controllers }, io);
      const admin = running.gateway.address('admin');
      io.err(
        `sidelane gateway: class ${flags.gatewayClass}, listener ports on ${flags.host} (offset ${flags.portOffset})` +
          `, admin on ${admin ? `${admin.host}:${admin.port}` : 'none'}, control plane ${controllers.join(', ')}`,
      );
      const signal = await (io.untilShutdown?.() ?? new Promise<string>(() => undefined));
      io.err(`${signal}: draining for up to ${flags.drain} ms, then shutting down`);
      await running.close();
    });
}

/** Starts the gateway and its config client (which connects in the background); see RunningGateway. */
export async function startGateway(flags: GatewayFlags, io: CliIo): Promise<RunningGateway> {
  const className = flags.gatewayClass ?? '';
  const portOffset = wholeNumber(flags.portOffset, '--port-offset', 65535);
  const drainMs = wholeNumber(flags.drain, '--drain', Number.MAX_SAFE_INTEGER);
  const log = createLogger({ level: flags.logLevel, base: { pod: flags.pod, namespace: flags.namespace, gatewayClass: className } });
  const tracing = createTracing({ env: io.env ?? {}, serviceName: 'sidelane-gateway', onWarning: (message) => { log.warn(message); } });
  const admin = parseListenAddress(flags.admin);
  const gateway: GatewayProxy = new GatewayProxy({
    className,
    host: flags.host,
    portOffset,
    admin: { host: admin.host ?? '0.0.0.0', port: admin.port },
    log,
    tracing,
    accessLog: flags.accessLog,
    balancer: flags.balancer,
  });
  const client = new ConfigClient({
    targets: flags.controller,
    identity: { pod: flags.pod, namespace: flags.namespace, serviceAccount: flags.serviceAccount, node: flags.node, podIps: flags.podIp, kind: 'gateway' },
    subscriptions: [gatewayDestination(className)],
    apply: (ir, version) => gateway.apply(ir, version),
    log: log.child({ component: 'config-client' }),
    ...(flags.tokenFile !== undefined && flags.tokenFile !== '' ? { tokenFile: flags.tokenFile } : {}),
  });
  await gateway.start();
  client.start();
  return {
    gateway,
    client,
    close: async () => {
      await client.close();
      await gateway.close({ drainMs });
      await tracing.shutdown();
    },
  };
}

function wholeNumber(text: string, flag: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new RangeError(`${flag} must be a whole number in 0..${max}, got "${text}"`);
  return n;
}
