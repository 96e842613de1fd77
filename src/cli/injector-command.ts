// `sidelane injector`: the admission webhook that adds the proxy to pods. It keeps its own CA and
// serving certificate in a Secret (shared by every replica) and the webhook configuration's
// caBundle in step with it, and answers AdmissionReviews on HTTPS, with /ready and /metrics.
import type { Command } from 'commander';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { CertKeeper } from '../../injector/cert-keeper.js';
import { loadInjectorConfig } from '../../injector/config.js';
import { startInjectorServer, type AdmitFunction, type FailurePolicy, type InjectorServer, type ServingTls } from '../../injector/server.js';
import { createLogger, type LogLevel } from '../../sidecar/observe/log.js';
import { parseListenAddress } from '../shared/listen-address.js';
import type { CliIo } from './io.js';
import { collect } from './translate-command.js';

export interface InjectorFlags {
  listen: string;
  config?: string;
  kubeconfig?: string;
  namespace: string;
  webhookConfig: string;
  tlsSecret: string;
  /** Empty: sidelane-injector.<namespace>.svc. */
  dnsName: string[];
  ipSan: string[];
  failurePolicy: string;
  logLevel: LogLevel;
  caValidity: string;
  certValidity: string;
  resync: string;
}

export interface InjectorStartOptions {
  /** Default: from flags.kubeconfig, else KUBECONFIG / in-cluster / ~/.kube/config. */
  kubeConfig?: KubeConfig;
  log?: Logger;
  /** Replaces the decision (tests). */
  admit?: AdmitFunction;
}

export interface RunningInjector {
  server: InjectorServer;
  keeper: CertKeeper;
  registry: Registry;
  host: string;
  port: number;
  close(): Promise<void>;
}

export function registerInjectorCommand(program: Command, io: CliIo): void {
  const env = io.env ?? {};
  program
    .command('injector')
    .description('run the admission webhook that adds the Sidelane proxy to pods, keeping its own CA and certificate')
    .option('--listen <addr>', 'HTTPS listener for /inject, /ready and /metrics', ':15017')
    .option('--config <yaml>', 'injector config (image, control plane, resources, ...); default: built-in defaults')
    .option('--kubeconfig <path>', 'kubeconfig to use (env KUBECONFIG); default: in-cluster service account, else ~/.kube/config', env.KUBECONFIG)
    .option('--namespace <ns>', "the injector's namespace, where the TLS Secret lives (env POD_NAMESPACE)", env.POD_NAMESPACE ?? 'sidelane-system')
    .option('--webhook-config <name>', 'MutatingWebhookConfiguration whose caBundle is kept', 'sidelane-injector')
    .option('--tls-secret <name>', 'Secret holding the webhook CA and serving certificate', 'sidelane-injector-tls')
    .option('--dns-name <san>', 'DNS name of the serving certificate (repeatable; default sidelane-injector.<namespace>.svc)', collect, [])
    .option('--ip-san <ip>', 'IP address of the serving certificate (repeatable)', collect, [])
    .option('--failure-policy <policy>', 'what an internal error answers: Ignore (admit the pod unchanged) or Fail (refuse it)', 'Ignore')
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent (env SIDELANE_LOG_LEVEL)', env.SIDELANE_LOG_LEVEL ?? 'info')
    .option('--ca-validity <duration>', 'lifetime of the webhook CA (e.g. 3650d); renewed with a third left', '3650d')
    .option('--cert-validity <duration>', 'lifetime of the serving certificate (e.g. 90d); renewed with a third left', '90d')
    .option('--resync <duration>', 'how often the Secret and caBundle are checked', '10s')
    .action(async (flags: InjectorFlags) => {
      const running = await startInjector(flags);
      io.err(`sidelane injector: HTTPS on ${running.host}:${running.port} (/inject, /ready, /metrics), Secret ${flags.namespace}/${flags.tlsSecret}, webhook config ${flags.webhookConfig}`);
      const signal = await (io.untilShutdown?.() ?? new Promise<string>(() => undefined));
      io.err(`${signal}: shutting down`);
      await running.close();
    });
}

export async function startInjector(flags: InjectorFlags, options: InjectorStartOptions = {}): Promise<RunningInjector> {
  const failurePolicy = policy(flags.failurePolicy);
  const listen = parseListenAddress(flags.listen);
  const caValidityMs = duration(flags.caValidity, '--ca-validity');
  const certValidityMs = duration(flags.certValidity, '--cert-validity');
  const resyncMs = duration(flags.resync, '--resync');
  const config = await loadInjectorConfig(flags.config === '' ? undefined : flags.config);
  const log = options.log ?? createLogger({ level: flags.logLevel, base: { component: 'injector' } });
  const kubeConfig = options.kubeConfig ?? loadKubeConfig(flags.kubeconfig);
  const registry = new Registry();

  let server: InjectorServer | undefined;
  let latest: ServingTls | undefined;
  const keeper = new CertKeeper({
    kubeConfig,
    namespace: flags.namespace,
    secretName: flags.tlsSecret,
    webhookConfigName: flags.webhookConfig,
    dnsNames: flags.dnsName.length > 0 ? flags.dnsName : [`sidelane-injector.${flags.namespace}.svc`],
    ipAddresses: flags.ipSan,
    caValidityMs,
    certValidityMs,
    resyncMs,
    log: log.child({ component: 'cert-keeper' }),
    registry,
    onServingCert: (tls) => {
      latest = tls;
      server?.setTls(tls);
      if (server) log.info({ secret: `${flags.namespace}/${flags.tlsSecret}` }, 'injector: serving a new certificate');
    },
  });
  const material = await keeper.start();
  try {
    server = await startInjectorServer({
      host: listen.host,
      port: listen.port,
      tls: latest ?? { cert: material.certPem, key: material.keyPem },
      config,
      failurePolicy,
      log: log.child({ component: 'webhook' }),
      registry,
      ...(options.admit === undefined ? {} : { admit: options.admit }),
      notReady: () => (keeper.material === undefined ? 'no serving certificate yet' : undefined),
    });
  } catch (err) {
    await keeper.close();
    throw err;
  }
  // A pass that finished while the listener was opening may have brought a newer certificate.
  if (latest) server.setTls(latest);
  const running = server;
  log.info({ host: running.host, port: running.port, failurePolicy }, 'injector: listening');
  return {
    server: running,
    keeper,
    registry,
    host: running.host,
    port: running.port,
    close: async () => {
      await keeper.close();
      await running.close();
    },
  };
}

/** Same order as the controller: an explicit file, else KUBECONFIG, ~/.kube/config or in-cluster. */
function loadKubeConfig(path: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (path !== undefined && path !== '') kubeConfig.loadFromFile(path);
  else kubeConfig.loadFromDefault();
  return kubeConfig;
}

function policy(text: string): FailurePolicy {
  if (text === 'Ignore' || text === 'Fail') return text;
  throw new RangeError(`--failure-policy must be Ignore or Fail, got "${text}"`);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90d", "12h", "30s", "500ms" (a bare number is seconds). */
export function duration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? NaN) : NaN;
  if (!(ms > 0)) throw new RangeError(`${flag} must be a positive duration such as 90d, 12h, 30s or 500ms, got "${text}"`);
  return ms;
}
