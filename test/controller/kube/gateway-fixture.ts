// Shared pieces of the gateway status tests on the real API server: a controller (the CLI's
// start-up) with its own gateway controllerName, so controllers of other test files sharing the
// server leave this test's GatewayClass alone; the class, its gateway Service, Gateways and
// routes; and readers of what the leader wrote.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { RunningController } from '../../../src/cli/controller-command.js';
import { KubeHttp, objectPath } from '../../../src/controller/kube/kube-http.js';
import { startControlPlane } from '../../support/control-plane.js';
import { applyObjects, deleteObject, type KubeEnv } from '../../support/kube.js';
import { eventually } from './kube-controller-fixture.js';

export const GATEWAY_API = 'gateway.networking.k8s.io/v1';

export interface GatewayTestSetup {
  /** The current controller (replaced by restart()). */
  running: RunningController;
  className: string;
  controllerName: string;
  /** The gateway deployment's Service (in the test namespace), named `gateway`. */
  serviceName: string;
  /** Stops the controller and starts another replica (a new identity) that takes the lead. */
  restart(): Promise<RunningController>;
  close(): Promise<void>;
}

/**
 * A GatewayClass `<ns>` with controllerName `sidelane.io/test-<ns>`, a ClusterIP Service `gateway`
 * in front of its (absent) deployment, and a leading controller told about both.
 */
export async function startGatewaySetup(kube: KubeEnv, ns: string, parametersRef?: Record<string, unknown>): Promise<GatewayTestSetup> {
  const className = ns;
  const controllerName = `sidelane.io/test-${ns}`;
  const gatewayClassObject = gatewayClass(className, controllerName, parametersRef);
  await applyObjects(kube, [gatewayClassObject, gatewayService(ns, 'gateway')]);
  const start = async (identity: string): Promise<RunningController> => {
    const running = await startControlPlane(kube, {
      leaseNamespace: ns,
      identity,
      gatewayServices: [`${className}=${ns}/gateway`],
      gatewayControllerName: controllerName,
    });
    await eventually('the leader', () => running.controller.isLeader(), 15_000);
    return running;
  };
  let replicas = 0;
  const setup: GatewayTestSetup = {
    running: await start(`controller-${String(replicas++)}`),
    className,
    controllerName,
    serviceName: 'gateway',
    restart: async () => {
      await setup.running.close();
      setup.running = await start(`controller-${String(replicas++)}`);
      return setup.running;
    },
    close: async () => {
      await setup.running.close();
      await deleteObject(kube, gatewayClassObject);
    },
  };
  return setup;
}

export function gatewayClass(name: string, controllerName: string, parametersRef?: Record<string, unknown>): KubernetesObject {
  return {
    apiVersion: GATEWAY_API,
    kind: 'GatewayClass',
    metadata: { name },
    spec: { controllerName, ...(parametersRef ? { parametersRef } : {}) },
  } as KubernetesObject;
}

export function gatewayService(namespace: string, name: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: {
      // LoadBalancer, so a test can give it an ingress; a bare API server still allocates its ClusterIP.
      type: 'LoadBalancer',
      selector: { app: name },
      ports: [
        { name: 'http', port: 80, targetPort: 80, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 443, protocol: 'TCP' },
      ],
    },
  } as KubernetesObject;
}

export function gateway(namespace: string, name: string, className: string, listeners: Record<string, unknown>[]): KubernetesObject {
  return { apiVersion: GATEWAY_API, kind: 'Gateway', metadata: { name, namespace }, spec: { gatewayClassName: className, listeners } } as KubernetesObject;
}

/** An HTTPRoute to backend Service `backend` port 80 with the given parentRefs (and hostnames). */
export function routeTo(namespace: string, name: string, parentRefs: Record<string, unknown>[], hostnames?: string[]): KubernetesObject {
  return {
    apiVersion: GATEWAY_API,
    kind: 'HTTPRoute',
    metadata: { name, namespace },
    spec: { parentRefs, ...(hostnames ? { hostnames } : {}), rules: [{ backendRefs: [{ name: 'backend', port: 80 }] }] },
  } as KubernetesObject;
}

export interface StoredCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface StoredListener {
  name: string;
  attachedRoutes: number;
  supportedKinds: { group?: string; kind: string }[];
  conditions: StoredCondition[];
}

export interface StoredGateway {
  metadata: { generation: number; resourceVersion: string; managedFields?: { manager: string; subresource?: string; operation: string }[] };
  status?: { addresses?: { type?: string; value: string }[]; conditions?: StoredCondition[]; listeners?: StoredListener[] };
}

export interface StoredGatewayClass {
  metadata: { generation: number; resourceVersion: string; managedFields?: { manager: string; subresource?: string; operation: string }[] };
  status?: { conditions?: StoredCondition[]; supportedFeatures?: { name: string }[] };
}

export interface StoredRouteParent {
  controllerName: string;
  parentRef: Record<string, unknown>;
  conditions: StoredCondition[];
}

export interface StoredHttpRoute {
  metadata: { generation: number; resourceVersion: string };
  status?: { parents?: StoredRouteParent[] };
}

export function readGateway(kube: KubeEnv, namespace: string, name: string): Promise<StoredGateway> {
  return new KubeHttp(kube.kubeConfig).get(objectPath(GATEWAY_API, 'gateways', namespace, name)) as Promise<StoredGateway>;
}

export function readGatewayClass(kube: KubeEnv, name: string): Promise<StoredGatewayClass> {
  return new KubeHttp(kube.kubeConfig).get(objectPath(GATEWAY_API, 'gatewayclasses', undefined, name)) as Promise<StoredGatewayClass>;
}

export function readRoute(kube: KubeEnv, namespace: string, name: string): Promise<StoredHttpRoute> {
  return new KubeHttp(kube.kubeConfig).get(objectPath(GATEWAY_API, 'httproutes', namespace, name)) as Promise<StoredHttpRoute>;
}

export function conditionOf(conditions: readonly StoredCondition[] | undefined, type: string): StoredCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function listenerOf(stored: StoredGateway, name: string): StoredListener | undefined {
  return stored.status?.listeners?.find((l) => l.name === name);
}

/** The route's entry written by `controllerName` for the parent named `parentName`. */
export function routeParent(route: StoredHttpRoute, controllerName: string, parentName: string): StoredRouteParent | undefined {
  return route.status?.parents?.find((p) => p.controllerName === controllerName && p.parentRef['name'] === parentName);
}

/** Waits until the Gateway's status satisfies `check` (which may throw while it does not). */
export function gatewayWhere(kube: KubeEnv, namespace: string, name: string, what: string, check: (g: StoredGateway) => boolean, timeoutMs = 15_000): Promise<StoredGateway> {
  return eventually(what, async () => {
    const stored = await readGateway(kube, namespace, name);
    return check(stored) ? stored : undefined;
  }, timeoutMs);
}

/** Waits until the route's status satisfies `check`. */
export function routeWhere(kube: KubeEnv, namespace: string, name: string, what: string, check: (r: StoredHttpRoute) => boolean, timeoutMs = 15_000): Promise<StoredHttpRoute> {
  return eventually(what, async () => {
    const stored = await readRoute(kube, namespace, name);
    return check(stored) ? stored : undefined;
  }, timeoutMs);
}
