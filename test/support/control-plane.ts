// Integration harness: `sidelane controller` (in-process, the same start-up as the command) against
// a real API server, and sidecars fed by it over the config stream, as in a cluster. Ports are
// picked by the OS unless a test needs a replica to come back on the same one.
import { startControllerProcess, type RunningController } from '../../src/cli/controller-command.js';
import { ConfigClient } from '../../sidecar/configsync/client.js';
import { createLogger, type LogLevel } from '../../sidecar/observe/log.js';
import { createTracing } from '../../sidecar/observe/tracing.js';
import { Sidecar } from '../../sidecar/proxy.js';
import type { KubeEnv } from './kube.js';

const logLevel = (process.env.SIDELANE_TEST_LOG as LogLevel | undefined) ?? 'silent';

export interface ControlPlaneOptions {
  /** Namespace of the leader Lease: a test's own, so tests never contend for one lease. */
  leaseNamespace: string;
  identity?: string;
  configPort?: number;
  leaseDurationMs?: number;
  renewPeriodMs?: number;
  /** Where the config stream listens; default 127.0.0.1 (network-namespace pods need the bridge's address). */
  configHost?: string;
  /** `tokenreview`: proxies must show their pod's token. Default none. */
  proxyAuth?: 'tokenreview' | 'none';
  /** Credentials other than the admin's (e.g. a ServiceAccount token under the chart's RBAC). */
  kubeconfigPath?: string;
  /** `--gateway-service` values: `<class>=<namespace>/<name>`. */
  gatewayServices?: string[];
  /** `--gateway-service-account` values: `<namespace>/<name>`. */
  gatewayServiceAccounts?: string[];
  /** `--gateway-controller-name`: a test's own, so controllers of other tests leave its GatewayClasses alone. */
  gatewayControllerName?: string;
}

export function startControlPlane(kube: KubeEnv, options: ControlPlaneOptions): Promise<RunningController> {
  return startControllerProcess({
    kubeconfig: options.kubeconfigPath ?? kube.kubeconfigPath,
    namespace: options.leaseNamespace,
    identity: options.identity ?? 'controller-0',
    configListen: `${options.configHost ?? '127.0.0.1'}:${options.configPort ?? 0}`,
    httpListen: '127.0.0.1:0',
    clusterDomain: 'cluster.local',
    leaseName: 'sidelane-controller',
    leaseDuration: String(options.leaseDurationMs ?? 3000),
    leaseRenew: String(options.renewPeriodMs ?? 500),
    debounce: '50',
    logLevel,
    proxyAuth: options.proxyAuth ?? 'none',
    gatewayService: options.gatewayServices ?? [],
    gatewayServiceAccount: options.gatewayServiceAccounts ?? [],
    ...(options.gatewayControllerName === undefined ? {} : { gatewayControllerName: options.gatewayControllerName }),
  });
}

export interface MeshProxy {
  sidecar: Sidecar;
  client: ConfigClient;
  /** Outbound listener port on 127.0.0.1 (route by Host). */
  port: number;
  close(): Promise<void>;
}

/** A sidecar of a pod in `namespace`, fed by the config stream of any of `targets`. */
export async function startMeshProxy(targets: string[], namespace: string, pod = 'client-0'): Promise<MeshProxy> {
  const log = createLogger({ level: logLevel, base: { pod } });
  const client: ConfigClient = new ConfigClient({
    targets,
    identity: { pod, namespace, serviceAccount: 'default', node: 'test', podIps: [], kind: 'sidecar' },
    apply: (ir, version) => sidecar.apply(ir, version),
    log,
    backoff: { baseMs: 50, maxMs: 500 },
  });
  const sidecar: Sidecar = new Sidecar({
    namespace,
    outbound: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    log,
    tracing: createTracing({ env: {}, serviceName: 'sidelane-test' }),
    connectTimeoutMs: 2000,
    discovery: client,
  });
  await sidecar.start();
  client.start();
  if (!(await client.whenApplied(10_000))) throw new Error(`sidecar ${pod} got no config from ${targets.join(', ')}`);
  return {
    sidecar,
    client,
    port: sidecar.address('outbound')?.port ?? 0,
    close: async () => {
      await client.close();
      await sidecar.close();
    },
  };
}

/** Polls until `check` holds; returns how long that took (ms). Throws after `timeoutMs` saying `what`. */
export async function within(timeoutMs: number, what: string, check: () => boolean | Promise<boolean>): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await check()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
