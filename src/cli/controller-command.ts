// `sidelane controller`: the control plane in a cluster. Watches the API server, translates,
// writes route status when it holds the lease, and serves the config stream to every proxy (every
// replica serves; only the leader writes status).
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { ConfigServer } from '../configsync/server.js';
import { startKubeController, type KubeController } from '../controller/kube/controller.js';
import { KubeHttp } from '../controller/kube/kube-http.js';
import { tokenReviewAuthenticator } from '../controller/kube/token-review.js';
import { startHealthServer, type HealthServer } from '../controller/health-server.js';
import { parseListenAddress } from '../shared/listen-address.js';
import { DEFAULT_CLUSTER_DOMAIN } from '../translate/index.js';
import { GATEWAY_CONTROLLER_NAME } from '../ir/index.js';
import { createLogger, type LogLevel } from '../../sidecar/observe/log.js';
import { parseGatewayServiceAccounts, parseGatewayServices } from './gateway-flags.js';
import type { CliIo } from './io.js';
import { collect } from './translate-command.js';

export interface ControllerFlags {
  kubeconfig?: string;
  namespace: string;
  identity: string;
  configListen: string;
  httpListen: string;
  clusterDomain: string;
  leaseName: string;
  leaseDuration: string;
  leaseRenew: string;
  debounce: string;
  logLevel: LogLevel;
  /** How proxies prove who they are: `tokenreview` (their service-account token, checked by the API server) or `none`; default none. */
  proxyAuth?: string;
  /** `<class>=<namespace>/<name>`: the Service in front of that GatewayClass's gateway deployment (repeatable). */
  gatewayService?: string[];
  /** `<namespace>/<name>`: a service account whose proxies may receive gateway config (repeatable). */
  gatewayServiceAccount?: string[];
  /** GatewayClasses with this controllerName are ours; default sidelane.io/gateway-controller. */
  gatewayControllerName?: string;
}

export const PROXY_AUTH_MODES = ['tokenreview', 'none'] as const;
export type ProxyAuthMode = (typeof PROXY_AUTH_MODES)[number];

export interface RunningController {
  controller: KubeController;
  configServer: ConfigServer;
  configPort: number;
  httpPort: number;
  close(): Promise<void>;
}

export function registerControllerCommand(program: Command, io: CliIo): void {
  const env = io.env ?? {};
  program
    .command('controller')
    .description('run the control plane against a Kubernetes API server: watch, translate, write route status, serve proxies their config')
    .option('--kubeconfig <path>', 'kubeconfig to use (env KUBECONFIG); default: in-cluster service account, else ~/.kube/config', env.KUBECONFIG)
    .option('--namespace <ns>', 'namespace of the leader-election Lease (env POD_NAMESPACE)', env.POD_NAMESPACE ?? 'sidelane-system')
    .option('--identity <name>', 'this replica, as the Lease holder (env POD_NAME)', env.POD_NAME ?? hostname())
    .option('--config-listen <addr>', 'gRPC config stream for proxies (env SIDELANE_CONFIG_LISTEN)', env.SIDELANE_CONFIG_LISTEN ?? ':15010')
    .option('--http-listen <addr>', '/livez, /readyz and /metrics (env SIDELANE_HTTP_LISTEN)', env.SIDELANE_HTTP_LISTEN ?? ':15014')
    .option('--cluster-domain <domain>', 'cluster DNS suffix (env SIDELANE_CLUSTER_DOMAIN)', env.SIDELANE_CLUSTER_DOMAIN ?? DEFAULT_CLUSTER_DOMAIN)
    .option('--lease-name <name>', 'leader-election Lease name', 'sidelane-controller')
    .option('--lease-duration <ms>', 'how long a leader holds the Lease without renewing', '15000')
    .option('--lease-renew <ms>', 'how often the leader renews (and a follower retries)', '2000')
    .option('--debounce <ms>', 'quiet time after a watch event before translating', '100')
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent (env SIDELANE_LOG_LEVEL)', env.SIDELANE_LOG_LEVEL ?? 'info')
    .option(
      '--proxy-auth <mode>',
      'how proxies prove their identity on the config stream: tokenreview (their projected service-account token, audience sidelane, checked with a TokenReview) or none (env SIDELANE_PROXY_AUTH)',
      env.SIDELANE_PROXY_AUTH ?? 'none',
    )
    .option(
      '--gateway-service <class=ns/name>',
      'the Service in front of a GatewayClass\'s gateway deployment; its load-balancer (else cluster) addresses become the Gateways\' status.addresses (repeatable)',
      collect,
      [],
    )
    .option(
      '--gateway-service-account <ns/name>',
      'a service account whose proxies may receive gateway config, TLS keys included, under --proxy-auth tokenreview (repeatable)',
      collect,
      [],
    )
    .option('--gateway-controller-name <name>', 'GatewayClasses with this controllerName are served by Sidelane gateways', GATEWAY_CONTROLLER_NAME)
    .action(async (flags: ControllerFlags) => {
      const running = await startControllerProcess(flags);
      io.err(`sidelane controller: config stream on :${running.configPort}, health and metrics on :${running.httpPort}`);
      const signal = await (io.untilShutdown?.() ?? new Promise<string>(() => undefined));
      io.err(`${signal}: shutting down`);
      await running.close();
    });
}

export async function startControllerProcess(flags: ControllerFlags): Promise<RunningController> {
  const proxyAuth = proxyAuthMode(flags.proxyAuth);
  const gatewayServices = parseGatewayServices(flags.gatewayService ?? []);
  const gatewayServiceAccounts = parseGatewayServiceAccounts(flags.gatewayServiceAccount ?? []);
  const log = createLogger({ level: flags.logLevel, base: { replica: flags.identity } });
  const kubeConfig = new KubeConfig();
  if (flags.kubeconfig !== undefined && flags.kubeconfig !== '') kubeConfig.loadFromFile(flags.kubeconfig);
  else kubeConfig.loadFromDefault();
  const configRegistry = new Registry();
  const controllerRegistry = new Registry();
  const configServer = new ConfigServer({
    log: log.child({ component: 'configsync' }),
    registry: configRegistry,
    ...(proxyAuth === 'tokenreview' ? { authenticate: tokenReviewAuthenticator(new KubeHttp(kubeConfig)) } : {}),
    gatewayServiceAccounts,
  });
  if (proxyAuth === 'none') log.warn('proxy authentication is off (--proxy-auth none): any client reaching the config port gets config');
  // The config server reads the address itself (no host: every IPv4 interface).
  const bound = await configServer.listen(flags.configListen);
  const controller = await startKubeController({
    kubeConfig,
    log: log.child({ component: 'controller' }),
    registry: controllerRegistry,
    identity: flags.identity,
    leaseNamespace: flags.namespace,
    leaseName: flags.leaseName,
    leaseDurationMs: positive(flags.leaseDuration, '--lease-duration'),
    renewPeriodMs: positive(flags.leaseRenew, '--lease-renew'),
    debounceMs: positive(flags.debounce, '--debounce'),
    clusterDomain: flags.clusterDomain,
    gatewayServices,
    ...(flags.gatewayControllerName === undefined ? {} : { gatewayControllerName: flags.gatewayControllerName }),
    onConfig: (config) => { configServer.publish(config); },
  });
  const http = parseListenAddress(flags.httpListen);
  let health: HealthServer;
  try {
    health = await startHealthServer({
      host: http.host,
      port: http.port,
      registries: [controllerRegistry, configRegistry],
      notReady: () => (controller.ready() ? undefined : 'informers have not synced'),
    });
  } catch (err) {
    await controller.close();
    await configServer.close();
    throw err;
  }
  return {
    controller,
    configServer,
    configPort: bound.port,
    httpPort: health.port,
    close: async () => {
      await health.close();
      await controller.close();
      await configServer.close();
    },
  };
}

function proxyAuthMode(text: string | undefined): ProxyAuthMode {
  const mode = text ?? 'none';
  if (!(PROXY_AUTH_MODES as readonly string[]).includes(mode)) throw new RangeError(`--proxy-auth must be ${PROXY_AUTH_MODES.join(' or ')}, got "${mode}"`);
  return mode as ProxyAuthMode;
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${flag} must be a positive number of milliseconds, got "${text}"`);
  return n;
}
