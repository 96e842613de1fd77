// The mesh the benchmark builds, as a plan: which Service lives in which namespace, the objects of
// each (Service, EndpointSlice, HTTPRoutes whose parent is the Service), which Services get their
// routes changed ("hot" ones), and what each simulated sidecar subscribes to. Deterministic: the
// same options give the same mesh and the same subscriptions.
import type { ControlPlaneBenchOptions } from './options.js';
import type { SubscriberSpec } from './subscriber.js';

export interface KubeObjectBody {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export interface ServiceName {
  namespace: string;
  name: string;
}

const SERVICE_PORT = 80;

export class MeshPlan {
  readonly #options: ControlPlaneBenchOptions;
  /** Services per namespace (consecutive indexes share one). */
  readonly #perNamespace: number;
  readonly hot: readonly number[];

  constructor(options: ControlPlaneBenchOptions) {
    this.#options = options;
    this.#perNamespace = Math.ceil(options.services / options.namespaces);
    const hotCount = Math.min(options.services, Math.max(1, Math.floor(options.subscribers / options.watchers)));
    const step = Math.max(1, Math.floor(options.services / hotCount));
    this.hot = Array.from({ length: hotCount }, (_, h) => h * step);
  }

  get services(): number {
    return this.#options.services;
  }

  namespaces(): string[] {
    const count = Math.ceil(this.#options.services / this.#perNamespace);
    return Array.from({ length: count }, (_, i) => `${this.#options.prefix}-${i}`);
  }

  service(index: number): ServiceName {
    return { namespace: `${this.#options.prefix}-${Math.floor(index / this.#perNamespace)}`, name: `svc-${index}` };
  }

  /** The Service that gets a tenth of the first route's traffic: the next one in the same namespace. */
  neighbor(index: number): number {
    const blockStart = Math.floor(index / this.#perNamespace) * this.#perNamespace;
    const next = index + 1;
    return next < this.#options.services && next < blockStart + this.#perNamespace ? next : blockStart;
  }

  /** `host` the real sidecar sends to for Service `index`. */
  host(index: number): string {
    const s = this.service(index);
    return `${s.name}.${s.namespace}`;
  }

  namespaceObject(name: string): KubeObjectBody {
    return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'sidelane.io/bench': this.#options.prefix } } };
  }

  serviceObject(index: number): KubeObjectBody {
    const { namespace, name } = this.service(index);
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 8080, protocol: 'TCP', appProtocol: 'http' }] },
    };
  }

  /** The small mesh's Services send to the echo backend; the others to pod-like addresses nobody uses. */
  endpointSliceObject(index: number, echo: { address: string; port: number } | undefined): KubeObjectBody {
    const { namespace, name } = this.service(index);
    const address = echo?.address ?? `10.${200 + Math.floor(index / 65_536)}.${(index >> 8) & 255}.${index & 255}`;
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: echo?.port ?? 8080, protocol: 'TCP' }],
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
    };
  }

  routeName(index: number, route: number): string {
    return `${this.service(index).name}-r${route}`;
  }

  /** Route 0 splits `/` 90:10 with the neighbor; route k > 0 sends `/v<k>` to the Service itself. */
  routeObject(index: number, route: number): KubeObjectBody {
    const { namespace, name } = this.service(index);
    const neighbor = this.neighbor(index);
    const backendRefs =
      route > 0
        ? [{ name, port: SERVICE_PORT, weight: 1 }]
        : [{ name, port: SERVICE_PORT, weight: 90 }, ...(neighbor === index ? [] : [{ name: this.service(neighbor).name, port: SERVICE_PORT, weight: 10 }])];
    return {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: this.routeName(index, route), namespace },
      spec: {
        parentRefs: [{ group: '', kind: 'Service', name, port: SERVICE_PORT }],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: route > 0 ? `/v${route}` : '/' } }], backendRefs }],
      },
    };
  }

  /** Change number `change`: the hot Service it touches and the new weight of its first backend. */
  change(change: number): { index: number; weight: number } {
    const round = Math.floor(change / this.hot.length);
    // 11…89: never the created 90, never the previous round's value.
    return { index: this.hot[change % this.hot.length] ?? 0, weight: 11 + (round % 79) };
  }

  /**
   * Sidecar i: identity namespace round-robin over the namespaces, one hot Service (so each hot
   * one has about `watchers` subscribers), the rest drawn at random from the other Services.
   * Destinations alternate between `ip:<ClusterIP>` and `host:<name>.<namespace>`.
   */
  subscribers(clusterIPs: ReadonlyMap<number, string>): SubscriberSpec[] {
    const { subscribers, destinations } = this.#options;
    const namespaces = this.namespaces();
    const hot = new Set(this.hot);
    const others = this.#options.services - hot.size >= destinations - 1;
    return Array.from({ length: subscribers }, (_, i) => {
      const random = mulberry32(i + 1);
      const chosen = [this.hot[i % this.hot.length] ?? 0];
      const seen = new Set(chosen);
      while (chosen.length < destinations) {
        const candidate = Math.floor(random() * this.#options.services);
        if (seen.has(candidate) || (others && hot.has(candidate))) continue;
        seen.add(candidate);
        chosen.push(candidate);
      }
      return {
        id: i,
        pod: `${this.#options.prefix}-sim-${i}`,
        namespace: namespaces[i % namespaces.length] ?? 'default',
        destinations: chosen.map((index, position) => {
          const ip = clusterIPs.get(index);
          return position % 2 === 0 && ip !== undefined ? `ip:${ip}` : `host:${this.host(index)}`;
        }),
      };
    });
  }
}

/** A small seeded PRNG (uniform in [0, 1)). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
