// What the proxy holds of the mesh: the resources the config server sent (Services, their
// endpoints, what each subscribed destination resolved to, and for a gateway proxy its class's
// listeners), and the partial MeshIR they make. A delta is applied to a copy first, so a refused
// one leaves the store as it was.
import { IR_SCHEMA, serviceKey, type EndpointSetIR, type GatewayClassIR, type MeshIR, type ServiceIR } from '../../src/ir/index.js';
import { compareEndpointSets, compareGatewayClasses, compareServices } from '../../src/ir/order.js';
import { decodeBody, parseDestination, parseResourceName, type DestinationBody, type ResourceKind } from '../../src/configsync/resources.js';

/** A resource as it arrives in a delta (name, content hash, canonical JSON body). */
export interface IncomingResource {
  name: string;
  version: string;
  body: Uint8Array;
}

type Held =
  | { kind: 'service'; version: string; value: ServiceIR }
  | { kind: 'endpoints'; version: string; value: EndpointSetIR }
  /** `backendsOnly`: a gateway destination, whose Services are backends (traffic goes to their endpoints). */
  | { kind: 'destination'; version: string; value: DestinationBody; backendsOnly: boolean }
  | { kind: 'gateway'; version: string; value: GatewayClassIR };

/** A delta that cannot even be read (unknown name, bad JSON, a body that is not what its name says). */
export class MalformedDeltaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedDeltaError';
  }
}

export class ResourceStore {
  readonly #held: Map<string, Held>;

  constructor(held?: ReadonlyMap<string, Held>) {
    this.#held = new Map(held);
  }

  /** A copy to apply a delta to; bodies are never mutated, so sharing them is safe. */
  clone(): ResourceStore {
    return new ResourceStore(this.#held);
  }

  get size(): number {
    return this.#held.size;
  }

  has(name: string): boolean {
    return this.#held.has(name);
  }

  /** name → version of everything held, for the Hello of a reconnect. */
  versions(): Record<string, string> {
    const versions: Record<string, string> = {};
    for (const [name, held] of this.#held) versions[name] = held.version;
    return versions;
  }

  /** Upserts then removals; throws MalformedDeltaError (the caller NACKs) without a partial effect on a clone it discards. */
  update(resources: readonly IncomingResource[], removed: readonly string[]): void {
    for (const resource of resources) this.#held.set(resource.name, read(resource));
    for (const name of removed) this.#held.delete(name);
  }

  /**
   * The MeshIR of what is held, in the order normalize() gives (validate() insists on it). A
   * Service held only as another's backend (or a gateway's) loses its route tables: traffic to a
   * backend goes straight to its endpoints, and its tables may name Services this proxy was never
   * sent. Held gateway classes become `gateways` (absent when none).
   */
  meshIR(clusterDomain: string): MeshIR {
    const addressed = new Set<string>();
    for (const held of this.#held.values()) {
      if (held.kind === 'destination' && !held.backendsOnly) for (const key of held.value.services) addressed.add(key);
    }
    const services: ServiceIR[] = [];
    const endpoints: EndpointSetIR[] = [];
    const gateways: GatewayClassIR[] = [];
    for (const held of this.#held.values()) {
      if (held.kind === 'service') services.push(addressed.has(serviceKey(held.value.ref)) ? held.value : withoutRoutes(held.value));
      else if (held.kind === 'endpoints') endpoints.push(held.value);
      else if (held.kind === 'gateway') gateways.push(held.value);
    }
    services.sort(compareServices);
    endpoints.sort(compareEndpointSets);
    gateways.sort(compareGatewayClasses);
    return { schema: IR_SCHEMA, clusterDomain, services, endpoints, ...(gateways.length > 0 ? { gateways } : {}) };
  }
}

function withoutRoutes(service: ServiceIR): ServiceIR {
  if (!Array.isArray(service.ports)) return service; // malformed: validate() says so
  const routed = service.ports.some((p) => p.producer !== undefined || p.consumers.length > 0);
  if (!routed) return service;
  return { ...service, ports: service.ports.map(({ producer: _producer, ...port }) => ({ ...port, consumers: [] })) };
}

function read(resource: IncomingResource): Held {
  const parsed = parseResourceName(resource.name);
  if (!parsed) throw new MalformedDeltaError(`unknown resource name ${JSON.stringify(resource.name)}`);
  let body: unknown;
  try {
    body = decodeBody(resource.body);
  } catch (err) {
    throw new MalformedDeltaError(`${resource.name}: body is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MalformedDeltaError(`${resource.name}: body is not an object`);
  }
  return held(parsed.kind, parsed.key, resource, body);
}

function held(kind: ResourceKind, key: string, resource: IncomingResource, body: object): Held {
  const { name, version } = resource;
  switch (kind) {
    case 'service': {
      const value = body as ServiceIR;
      expectKey(name, key, refKey(value.ref));
      return { kind, version, value };
    }
    case 'endpoints': {
      const value = body as EndpointSetIR;
      expectKey(name, key, refKey(value.service));
      return { kind, version, value };
    }
    case 'destination': {
      const services: unknown = (body as { services?: unknown }).services;
      if (!Array.isArray(services) || !services.every((s) => typeof s === 'string')) {
        throw new MalformedDeltaError(`${name}: services is not a list of strings`);
      }
      return { kind, version, value: { services }, backendsOnly: parseDestination(key)?.kind === 'gateway' };
    }
    case 'gateway': {
      const value = body as GatewayClassIR;
      const className: unknown = value.name;
      if (className !== key) throw new MalformedDeltaError(`${name}: body is for class ${JSON.stringify(className)}`);
      return { kind, version, value };
    }
  }
}

/** 'ns/name' of a ref as it came off the wire (any shape). */
function refKey(ref: unknown): string | undefined {
  if (typeof ref !== 'object' || ref === null) return undefined;
  const { namespace, name } = ref as { namespace?: unknown; name?: unknown };
  return typeof namespace === 'string' && typeof name === 'string' ? serviceKey({ namespace, name }) : undefined;
}

/** A body must be the thing its name says: the IR's sort and the proxy's indexes trust the ref. */
function expectKey(name: string, key: string, actual: string | undefined): void {
  if (actual !== key) throw new MalformedDeltaError(`${name}: body is for ${actual ?? 'no Service'}`);
}
