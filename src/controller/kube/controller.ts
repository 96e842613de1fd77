// The controller against a real API server: informers fill the cache, a debounced translation
// turns it into the IR (handed to onConfig only when its version moves), and the leader among
// the replicas writes route, GatewayClass and Gateway status. Every replica translates and
// serves; only status needs a single writer.
import type { KubeConfig, V1ObjectMeta } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ManifestError } from '../../api/objects.js';
import { formatManifestError } from '../../api/objects.js';
import type { PublishedConfig } from '../../configsync/server.js';
import { GATEWAY_CONTROLLER_NAME, irVersion, MESH_CONTROLLER_NAME, type ServiceRef } from '../../ir/index.js';
import { translate, type ClusterSnapshot, type TranslateOptions } from '../../translate/index.js';
import { ClusterCache } from './cache.js';
import { Debouncer } from './debounce.js';
import { GatewayStatusWriter } from './gateway-status-writer.js';
import { KubeHttp } from './kube-http.js';
import { LeaderElector } from './lease.js';
import { ControllerMetrics } from './metrics.js';
import { routeKey, StatusWriter } from './status-writer.js';

export interface KubeControllerOptions {
  kubeConfig: KubeConfig;
  log: Logger;
  registry: Registry;
  /** This replica (the pod name): the Lease holderIdentity. */
  identity: string;
  leaseNamespace: string;
  /** Default `sidelane-controller`. */
  leaseName?: string;
  /** Default 15000; the Lease stores whole seconds (rounded up, at least 1). */
  leaseDurationMs?: number;
  /** Default 2000. */
  renewPeriodMs?: number;
  clusterDomain?: string;
  /** Quiet time after the last watch event before translating; default 100 (a burst waits at most 1 s or this). */
  debounceMs?: number;
  /** How often a missing CRD is looked for again; default 10000. */
  crdRetryMs?: number;
  /** A new IR (its version changed). Must not throw (an exception is logged). */
  onConfig: (config: PublishedConfig) => void;
  /** Server-side watch timeout range in seconds (default 300-600); tests shorten it. */
  watchTimeoutSeconds?: [number, number];
  /**
   * The Service in front of each GatewayClass's gateway deployment (class name → Service): its
   * LoadBalancer ingress, else its ClusterIPs, become the Gateways' status.addresses.
   */
  gatewayServices?: Readonly<Record<string, ServiceRef>>;
  /** GatewayClasses with this controllerName are ours; default sidelane.io/gateway-controller. */
  gatewayControllerName?: string;
}

export interface KubeController {
  /** Every informer has synced once (a missing CRD counts, and is reported) and the first config was published. */
  ready(): boolean;
  isLeader(): boolean;
  /** E.g. `tcproutes.gateway.networking.k8s.io not installed`, or a watch that keeps failing. */
  problems(): string[];
  /** Stops the watches and timers; releases the lease if held, so failover is quick. */
  close(): Promise<void>;
}

export const DEFAULT_LEASE_NAME = 'sidelane-controller';
export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_PERIOD_MS = 2_000;
export const DEFAULT_DEBOUNCE_MS = 100;
export const DEFAULT_CRD_RETRY_MS = 10_000;
const MAX_DEBOUNCE_MS = 1_000;

/** Starts everything and returns at once; ready() says when the first config is out. */
export function startKubeController(options: KubeControllerOptions): Promise<KubeController> {
  const log = options.log;
  const http = new KubeHttp(options.kubeConfig);
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const gatewayControllerName = options.gatewayControllerName ?? GATEWAY_CONTROLLER_NAME;
  const translateOptions: Partial<TranslateOptions> = {
    ...(options.clusterDomain ? { clusterDomain: options.clusterDomain } : {}),
    gatewayServices: options.gatewayServices ?? {},
    gatewayControllerName,
  };
  let closed = false;
  let version: string | undefined;
  let lastErrors = '';

  const debouncer = new Debouncer({
    quietMs: debounceMs,
    maxMs: Math.max(MAX_DEBOUNCE_MS, debounceMs),
    run: (changedAt) => {
      translateNow(changedAt);
    },
  });
  const cache = new ClusterCache({
    kubeConfig: options.kubeConfig,
    http,
    log,
    crdRetryMs: options.crdRetryMs ?? DEFAULT_CRD_RETRY_MS,
    gatewayControllerName,
    ...(options.watchTimeoutSeconds ? { watchTimeoutSeconds: options.watchTimeoutSeconds } : {}),
    onChange: () => {
      debouncer.trigger();
    },
    onStatusOnly: () => {
      statusWriter.recheck();
      gatewayStatusWriter.recheck();
    },
    onWatchEvent: (kind, type) => {
      metrics.watchEvents.inc({ kind, type });
    },
  });
  const metrics = new ControllerMetrics(options.registry, { problems: () => cache.problems().length });
  const statusWriter = new StatusWriter({
    http,
    log,
    routes: cache,
    controllerNames: [MESH_CONTROLLER_NAME, gatewayControllerName],
    onWrite: (result) => {
      metrics.statusWrites.inc({ result });
    },
  });
  const gatewayStatusWriter = new GatewayStatusWriter({
    http,
    log,
    objects: cache,
    onWrite: (result) => {
      metrics.statusWrites.inc({ result });
    },
  });
  const leader = new LeaderElector({
    http,
    log,
    identity: options.identity,
    namespace: options.leaseNamespace,
    name: options.leaseName ?? DEFAULT_LEASE_NAME,
    leaseDurationMs: options.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS,
    renewPeriodMs: options.renewPeriodMs ?? DEFAULT_RENEW_PERIOD_MS,
    onChange: (isLeader) => {
      metrics.isLeader.set(isLeader ? 1 : 0);
      statusWriter.setEnabled(isLeader);
      gatewayStatusWriter.setEnabled(isLeader);
    },
  });

  function translateNow(changedAt: number): void {
    // Never publish a partial cluster (Services without their EndpointSlices): the event that
    // completes the first sync triggers another run.
    if (closed || !cache.synced()) return;
    const started = performance.now();
    const classified = cache.snapshot();
    const result = translate(classified.snapshot, translateOptions);
    const next = irVersion(result.ir);
    metrics.translations.inc();
    metrics.translationDuration.observe((performance.now() - started) / 1000);
    reportUnusable(classified.errors);
    if (next !== version) {
      version = next;
      metrics.setVersion(next);
      log.info({ version: next, services: result.ir.services.length, changedAt }, 'new config');
      try {
        options.onConfig({ ir: result.ir, version: next, changedAt });
      } catch (err) {
        log.error({ err, version: next }, 'onConfig threw');
      }
    }
    statusWriter.update(result.statuses, routeGenerations(classified.snapshot));
    gatewayStatusWriter.update(result.gatewayClassStatuses, result.gatewayStatuses);
  }

  /** Objects classify could not use, logged once per distinct set (not at every translation). */
  function reportUnusable(errors: ManifestError[]): void {
    const text = errors.map(formatManifestError).sort().join('\n');
    if (text === lastErrors) return;
    lastErrors = text;
    if (text !== '') log.warn({ errors: text.split('\n') }, 'objects that cannot be used');
  }

  cache.start();
  leader.start();

  return Promise.resolve({
    ready: () => cache.synced() && version !== undefined,
    isLeader: () => leader.isLeader(),
    problems: () => cache.problems(),
    close: async () => {
      if (closed) return;
      closed = true;
      debouncer.cancel();
      await statusWriter.close();
      await gatewayStatusWriter.close();
      await leader.close();
      await cache.close();
    },
  });
}

/** The generation of every route the translation read, so status is written for that version only. */
function routeGenerations(snapshot: ClusterSnapshot): Map<string, number> {
  const generations = new Map<string, number>();
  const lists: [string, readonly { metadata: V1ObjectMeta }[]][] = [
    ['HTTPRoute', snapshot.httpRoutes],
    ['GRPCRoute', snapshot.grpcRoutes],
    ['TCPRoute', snapshot.tcpRoutes],
    ['TLSRoute', snapshot.tlsRoutes],
    ['UDPRoute', snapshot.udpRoutes],
  ];
  for (const [kind, routes] of lists) {
    for (const route of routes) {
      const { namespace, name, generation } = route.metadata;
      if (generation !== undefined && name !== undefined) generations.set(routeKey(kind, namespace, name), generation);
    }
  }
  return generations;
}
