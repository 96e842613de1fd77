// Shared pieces of the controller's integration tests: a controller on a test API server that
// records what it publishes, and the objects the tests create (Services, the EndpointSlices a
// controller-manager would make, HTTPRoutes with Service parents).
import pino from 'pino';
import { Registry } from 'prom-client';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { PublishedConfig } from '../../../src/configsync/server.js';
import { startKubeController, type KubeController, type KubeControllerOptions } from '../../../src/controller/kube/controller.js';
import { KubeHttp, objectPath } from '../../../src/controller/kube/kube-http.js';
import type { KubeEnv } from '../../support/kube.js';

export interface RunningController {
  controller: KubeController;
  configs: PublishedConfig[];
  registry: Registry;
  latest(): PublishedConfig | undefined;
  /** sidelane_controller_status_writes_total summed over results. */
  statusWrites(): Promise<number>;
}

export async function runController(
  kube: KubeEnv,
  options: Pick<KubeControllerOptions, 'identity' | 'leaseNamespace'> & Partial<KubeControllerOptions>,
): Promise<RunningController> {
  const configs: PublishedConfig[] = [];
  const registry = new Registry();
  const controller = await startKubeController({
    kubeConfig: kube.kubeConfig,
    log: pino({ level: process.env.SIDELANE_TEST_LOG ?? 'silent' }),
    registry,
    leaseDurationMs: 2000,
    renewPeriodMs: 200,
    debounceMs: 50,
    crdRetryMs: 500,
    ...options,
    onConfig: (config) => {
      configs.push(config);
      options.onConfig?.(config);
    },
  });
  return {
    controller,
    configs,
    registry,
    latest: () => configs.at(-1),
    statusWrites: async () => {
      const metric = await registry.getSingleMetric('sidelane_controller_status_writes_total')?.get();
      return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
    },
  };
}

/** Polls until `check` returns a value other than undefined/false; fails after timeoutMs. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function service(namespace: string, name: string, port = 80): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ name: 'http', port, targetPort: 8080, protocol: 'TCP', appProtocol: 'http' }] },
  } as KubernetesObject;
}

export function endpointSlice(namespace: string, serviceName: string, addresses: string[]): KubernetesObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${serviceName}-1`, namespace, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: addresses.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
  } as KubernetesObject;
}

export function httpRoute(namespace: string, name: string, parent: string, backend: string): KubernetesObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace },
    spec: {
      parentRefs: [{ group: '', kind: 'Service', name: parent, port: 80 }],
      rules: [{ backendRefs: [{ name: backend, port: 80 }] }],
    },
  } as KubernetesObject;
}

export interface RouteCondition {
  type: string;
  status: string;
  reason: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface RouteParent {
  controllerName: string;
  parentRef: Record<string, unknown>;
  conditions: RouteCondition[];
}

export interface StoredRoute {
  metadata: { resourceVersion: string; generation: number; managedFields?: { manager: string; subresource?: string; operation: string }[] };
  spec: Record<string, unknown>;
  status?: { parents?: RouteParent[] };
}

export function getHttpRoute(kube: KubeEnv, namespace: string, name: string): Promise<StoredRoute> {
  return new KubeHttp(kube.kubeConfig).get(objectPath('gateway.networking.k8s.io/v1', 'httproutes', namespace, name)) as Promise<StoredRoute>;
}

/** Our entry (controllerName sidelane.io/mesh-controller) of a stored route, if any. */
export function ourParent(route: StoredRoute): RouteParent | undefined {
  return route.status?.parents?.find((p) => p.controllerName === 'sidelane.io/mesh-controller');
}

export function condition(parent: RouteParent | undefined, type: string): RouteCondition | undefined {
  return parent?.conditions.find((c) => c.type === type);
}

/** Whether the IR gives Service namespace/name a producer route table on some port. */
export function hasProducerRoute(config: PublishedConfig | undefined, namespace: string, name: string): boolean {
  const svc = config?.ir.services.find((s) => s.ref.namespace === namespace && s.ref.name === name);
  return svc?.ports.some((p) => p.producer !== undefined) ?? false;
}
