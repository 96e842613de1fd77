// The proxy's index over one applied MeshIR: which Service port a connection or request is for
// (by original destination, or by Host when the connection was not redirected), which route table
// applies to this proxy's namespace, and the endpoints of a backend. Built once per config version,
// so the per-request lookups are map hits.
import type { EndpointIR, MeshIR, RouteTable, ServiceIR, ServicePortIR, ServiceRef } from '../../src/ir/index.js';
import { canonicalIp, chooseRouteGroup, resolveService } from './resolve.js';

/** A Service port a client addressed, and the route table that applies to this client. */
export interface Destination {
  service: ServiceIR;
  port: ServicePortIR;
  /** Undefined when no route is attached for this client: plain load balancing to the Service. */
  table: RouteTable | undefined;
  /** `ns/name:port`, for logs and metrics. */
  label: string;
}

/** The transports the proxy forwards: TCP (everything but UDPRoutes) and UDP (the gateway's UDPRoutes). */
export type EndpointTransport = 'TCP' | 'UDP';

const NO_ENDPOINTS: readonly EndpointIR[] = [];
/** Host lookups are cached per distinct Host value; a client sending random Hosts cannot grow it unbounded. */
const HOST_CACHE_LIMIT = 4096;

export class MeshView {
  readonly ir: MeshIR;
  readonly version: string;
  readonly namespace: string;
  #byAddress = new Map<string, Destination>();
  #byService = new Map<string, ServiceIR>();
  #endpoints = new Map<string, readonly EndpointIR[]>();
  #byHost = new Map<string, Destination | null>();

  constructor(ir: MeshIR, version: string, namespace: string) {
    this.ir = ir;
    this.version = version;
    this.namespace = namespace;
    for (const service of ir.services) {
      this.#byService.set(serviceKey(service.ref), service);
      if (service.headless || service.type === 'ExternalName') continue;
      for (const port of service.ports) {
        if (port.transport !== 'TCP') continue;
        const destination = this.#destination(service, port);
        for (const ip of service.clusterIPs) {
          const canonical = canonicalIp(ip);
          if (canonical !== undefined) this.#byAddress.set(addressKey(canonical, port.port), destination);
        }
      }
    }
    for (const set of ir.endpoints) {
      for (const port of set.ports) {
        // UDP endpoints serve the gateway's UDPRoutes; a Service may use one number for both.
        if (port.transport === 'SCTP') continue;
        this.#endpoints.set(endpointKey(set.service, port.servicePort, port.transport), port.endpoints);
      }
    }
  }

  /** The Service port at a ClusterIP and port (the original destination of a redirected connection). */
  byAddress(ip: string, port: number): Destination | undefined {
    const canonical = canonicalIp(ip);
    return canonical === undefined ? undefined : this.#byAddress.get(addressKey(canonical, port));
  }

  /**
   * The Service port a Host / :authority names (`name`, `name.ns`, `name.ns.svc`, the FQDN or a
   * ClusterIP, optional `:port`, default 80), resolved from this proxy's namespace.
   */
  byHost(authority: string): Destination | undefined {
    const cached = this.#byHost.get(authority);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.#resolveHost(authority);
    if (this.#byHost.size >= HOST_CACHE_LIMIT) this.#byHost.clear();
    this.#byHost.set(authority, found ?? null);
    return found;
  }

  service(ref: ServiceRef): ServiceIR | undefined {
    return this.#byService.get(serviceKey(ref));
  }

  endpoints(ref: ServiceRef, port: number, transport: EndpointTransport = 'TCP'): readonly EndpointIR[] {
    return this.#endpoints.get(endpointKey(ref, port, transport)) ?? NO_ENDPOINTS;
  }

  #resolveHost(authority: string): Destination | undefined {
    const hostPort = splitAuthority(authority);
    if (!hostPort) return undefined;
    const resolution = resolveService(this.ir, hostPort.host, this.namespace);
    if (!resolution.found) return undefined;
    const { service } = resolution;
    if (service.headless || service.type === 'ExternalName') return undefined;
    const port = service.ports.find((p) => p.port === hostPort.port && p.transport === 'TCP');
    return port ? this.#destination(service, port) : undefined;
  }

  #destination(service: ServiceIR, port: ServicePortIR): Destination {
    const group = chooseRouteGroup(service, port, this.namespace);
    return {
      service,
      port,
      table: group.group === 'none' ? undefined : group.table,
      label: `${service.ref.namespace}/${service.ref.name}:${port.port}`,
    };
  }
}

/** `host[:port]` or `[v6]:port`; the port defaults to 80. Undefined when malformed. */
export function splitAuthority(authority: string): { host: string; port: number } | undefined {
  let host = authority;
  let port = 80;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(authority);
  if (v6) {
    host = v6[1] ?? '';
    if (v6[2] !== undefined) port = Number(v6[2]);
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon >= 0 && authority.indexOf(':') === colon) {
      host = authority.slice(0, colon);
      const text = authority.slice(colon + 1);
      if (!/^\d{1,5}$/.test(text)) return undefined;
      port = Number(text);
    }
  }
  if (host === '' || port < 1 || port > 65535) return undefined;
  return { host: host.toLowerCase(), port };
}

function serviceKey(ref: ServiceRef): string {
  return `${ref.namespace}/${ref.name}`;
}

function endpointKey(ref: ServiceRef, port: number, transport: EndpointTransport): string {
  return transport === 'TCP' ? `${ref.namespace}/${ref.name}:${port}` : `${ref.namespace}/${ref.name}:${port}/${transport}`;
}

function addressKey(ip: string, port: number): string {
  return `${ip}|${port}`;
}
