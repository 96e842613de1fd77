// Per-proxy views of one published IR: the resources (name → version, body) a proxy should hold
// for the destinations it subscribed to. Bodies are encoded once per IR version and shared: a
// Service's body depends only on the proxy's namespace, its endpoints on nothing proxy-specific.
// A `gateway:<class>` destination brings the class's listeners (with their TLS keys, so only to
// proxies allowed to serve it) and every Service its routes send traffic to.
import {
  serviceKey,
  type EndpointSetIR,
  type GatewayClassIR,
  type MeshIR,
  type RouteTable,
  type ServiceIR,
  type ServiceRef,
} from '../ir/index.js';
import { ServiceLookup } from './lookup.js';
import {
  bodyVersion,
  destinationResourceName,
  encodeBody,
  endpointsResourceName,
  gatewayResourceName,
  parseDestination,
  serviceResourceName,
  type DestinationBody,
} from './resources.js';

export interface EncodedResource {
  version: string;
  body: Buffer;
}

/** What decides a proxy's view besides its subscriptions. */
export interface ProxyScope {
  namespace: string;
  podIps: readonly string[];
  /**
   * Whether `gateway:<class>` destinations bring the class (its certificates' keys included) and
   * its backends; without it they resolve to nothing. Default false.
   */
  gatewayAccess?: boolean;
}

type Entries = readonly (readonly [string, EncodedResource])[];

interface ServiceEntry {
  resource: EncodedResource;
  /** Services the kept route tables send traffic to (backends and mirrors), as keys. */
  backends: readonly string[];
}

/** Past this many cached destination answers, further ones are computed but not kept. */
const MAX_CACHED_DESTINATIONS = 100_000;

export class MeshView {
  readonly version: string;
  readonly clusterDomain: string;
  readonly #lookup: ServiceLookup;
  readonly #services = new Map<string, ServiceEntry>();
  readonly #endpoints = new Map<string, EncodedResource>();
  readonly #destinations = new Map<string, Entries>();
  readonly #gatewayClasses: ReadonlyMap<string, GatewayClassIR>;
  readonly #gatewayResources = new Map<string, EncodedResource>();

  constructor(ir: MeshIR, version: string) {
    this.version = version;
    this.clusterDomain = ir.clusterDomain;
    this.#lookup = new ServiceLookup(ir);
    this.#gatewayClasses = new Map((ir.gateways ?? []).map((c) => [c.name, c]));
  }

  /** The resources a proxy with this scope and these subscriptions should hold. */
  desired(scope: ProxyScope, destinations: Iterable<string>): Map<string, EncodedResource> {
    const out = new Map<string, EncodedResource>();
    for (const destination of destinations) {
      for (const [name, resource] of this.#destination(scope, destination)) out.set(name, resource);
    }
    return out;
  }

  /** The Services (`ns/name`) a destination resolves to for this proxy; [] if none or malformed. */
  resolve(scope: ProxyScope, destination: string): string[] {
    const parsed = parseDestination(destination);
    let services: readonly ServiceIR[] = [];
    if (parsed?.kind === 'ip') services = this.#lookup.byClusterIp(parsed.ip);
    else if (parsed?.kind === 'host') services = this.#lookup.byHost(parsed.host, scope.namespace);
    else if (parsed?.kind === 'inbound') services = this.#lookup.byEndpointAddress(scope.podIps);
    else if (parsed?.kind === 'gateway') return this.#gatewayBackends(scope, parsed.className);
    return [...new Set(services.map((s) => serviceKey(s.ref)))].sort();
  }

  #destination(scope: ProxyScope, destination: string): Entries {
    const parsed = parseDestination(destination);
    const key =
      parsed?.kind === 'inbound'
        ? `${scope.namespace}\0inbound\0${[...scope.podIps].sort().join(',')}`
        : parsed?.kind === 'gateway'
          ? `${scope.namespace}\0${destination}\0${scope.gatewayAccess === true ? 'allowed' : 'refused'}`
          : `${scope.namespace}\0${destination}`;
    const cached = this.#destinations.get(key);
    if (cached !== undefined) return cached;
    const services = this.resolve(scope, destination);
    const body: DestinationBody = { services };
    const entries = new Map<string, EncodedResource>([[destinationResourceName(destination), encoded(body)]]);
    const addService = (serviceKeyText: string): ServiceEntry | undefined => {
      const entry = this.#service(serviceKeyText, scope.namespace);
      const endpoints = this.#endpointsOf(serviceKeyText);
      if (entry === undefined || endpoints === undefined) return undefined;
      const ref = refOf(serviceKeyText);
      entries.set(serviceResourceName(ref), entry.resource);
      entries.set(endpointsResourceName(ref), endpoints);
      return entry;
    };
    if (parsed?.kind === 'gateway') {
      // The resolved Services are the backends already: the gateway sends to their endpoints.
      const gatewayClass = this.#gatewayClasses.get(parsed.className);
      if (scope.gatewayAccess === true && gatewayClass !== undefined) {
        entries.set(gatewayResourceName(parsed.className), this.#gatewayResource(gatewayClass));
      }
      for (const service of services) addService(service);
    } else {
      for (const service of services) {
        // One level: a backend's own backends are not followed (traffic to a backend goes straight
        // to its endpoints, never through its routes).
        for (const backend of addService(service)?.backends ?? []) addService(backend);
      }
    }
    const result = [...entries];
    if (this.#destinations.size < MAX_CACHED_DESTINATIONS) this.#destinations.set(key, result);
    return result;
  }

  /** Backend and mirror Services (keys) of a class's tables that are in the IR; [] without access. */
  #gatewayBackends(scope: ProxyScope, className: string): string[] {
    const gatewayClass = this.#gatewayClasses.get(className);
    if (scope.gatewayAccess !== true || gatewayClass === undefined) return [];
    return gatewayBackendsOf(gatewayClass).filter((key) => this.#lookup.service(key) !== undefined);
  }

  #gatewayResource(gatewayClass: GatewayClassIR): EncodedResource {
    const name = gatewayResourceName(gatewayClass.name);
    const cached = this.#gatewayResources.get(name);
    if (cached !== undefined) return cached;
    const resource = encoded(gatewayClass);
    this.#gatewayResources.set(name, resource);
    return resource;
  }

  #service(key: string, proxyNamespace: string): ServiceEntry | undefined {
    const cacheKey = `${key}\0${proxyNamespace}`;
    const cached = this.#services.get(cacheKey);
    if (cached !== undefined) return cached;
    const service = this.#lookup.service(key);
    if (service === undefined) return undefined;
    const view = serviceForNamespace(service, proxyNamespace);
    const entry: ServiceEntry = { resource: encoded(view), backends: backendsOf(view) };
    this.#services.set(cacheKey, entry);
    return entry;
  }

  #endpointsOf(key: string): EncodedResource | undefined {
    const cached = this.#endpoints.get(key);
    if (cached !== undefined) return cached;
    const service = this.#lookup.service(key);
    if (service === undefined) return undefined;
    // The translator gives every Service an endpoint set; an IR built otherwise gets an empty one
    // so a proxy never waits for endpoints that will not come.
    const set: EndpointSetIR = this.#lookup.endpoints(key) ?? { service: service.ref, ports: [] };
    const resource = encoded(set);
    this.#endpoints.set(key, resource);
    return resource;
  }
}

/** The Service as one proxy sees it: the producer tables and its own namespace's consumer tables. */
export function serviceForNamespace(service: ServiceIR, proxyNamespace: string): ServiceIR {
  return {
    ...service,
    ports: service.ports.map((port) => ({
      ...port,
      consumers: port.consumers.filter((c) => c.namespace === proxyNamespace),
    })),
  };
}

/** Keys of every Service a route table of the Service sends traffic to (backends and mirrors). */
export function backendsOf(service: ServiceIR): string[] {
  const refs: ServiceRef[] = [];
  for (const port of service.ports) {
    const tables: RouteTable[] = port.consumers.map((c) => c.table);
    if (port.producer !== undefined) tables.push(port.producer);
    for (const table of tables) refs.push(...tableBackends(table));
  }
  const own = serviceKey(service.ref);
  return [...new Set(refs.map(serviceKey))].filter((k) => k !== own).sort();
}

/** Keys of every Service the tables of a gateway class send traffic to (backends and mirrors), sorted. */
export function gatewayBackendsOf(gatewayClass: GatewayClassIR): string[] {
  const refs: ServiceRef[] = [];
  for (const port of gatewayClass.ports) {
    switch (port.kind) {
      case 'http':
        for (const listener of port.listeners) for (const host of listener.hosts) refs.push(...tableBackends(host.table));
        break;
      case 'tls':
        for (const listener of port.listeners) {
          for (const host of listener.http ?? []) refs.push(...tableBackends(host.table));
          if (listener.tls !== undefined) refs.push(...tableBackends(listener.tls));
        }
        break;
      case 'tcp':
        if (port.table !== undefined) refs.push(...tableBackends(port.table));
        break;
      case 'udp':
        for (const backend of port.table?.rule.backends ?? []) if (backend.kind === 'Service') refs.push(backend.service);
        break;
    }
  }
  return [...new Set(refs.map(serviceKey))].sort();
}

function tableBackends(table: RouteTable): ServiceRef[] {
  switch (table.kind) {
    case 'http':
      return table.rules.flatMap((rule) => [
        ...rule.filters.flatMap((f) => (f.type === 'RequestMirror' ? [f.target.service] : [])),
        ...rule.backends.flatMap((b) =>
          b.kind === 'Service'
            ? [b.service, ...b.filters.flatMap((f) => (f.type === 'RequestMirror' ? [f.target.service] : []))]
            : [],
        ),
      ]);
    case 'tls':
      return table.rules.flatMap((rule) => rule.backends.flatMap((b) => (b.kind === 'Service' ? [b.service] : [])));
    case 'tcp':
      return table.rule.backends.flatMap((b) => (b.kind === 'Service' ? [b.service] : []));
  }
}

function encoded(value: unknown): EncodedResource {
  const body = encodeBody(value);
  return { version: bodyVersion(body), body };
}

function refOf(key: string): ServiceRef {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
