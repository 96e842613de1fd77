// Which Service a client in some namespace reaches by a host name or address, resolved the way
// the pod's resolver would (search list `<ns>.svc.<domain> svc.<domain> <domain>`, ndots 5), and
// which route table of the Service's port applies to that client. Shared by the proxy and `explain`.
import type { MeshIR, RouteTable, ServiceIR, ServicePortIR } from '../../src/ir/index.js';

export type ServiceResolution =
  | { found: true; service: ServiceIR; resolvedAs: string; how: string }
  | { found: false; tried: string[] };

const NDOTS = 5;

export function resolveService(ir: MeshIR, host: string, from: string): ServiceResolution {
  const ip = canonicalIp(host);
  if (ip !== undefined) {
    const service = ir.services.find((s) => s.clusterIPs.some((c) => canonicalIp(c) === ip));
    if (service) return { found: true, service, resolvedAs: ip, how: `${ip} is a ClusterIP of ${ref(service)}` };
    return { found: false, tried: [ip] };
  }
  const domain = ir.clusterDomain.toLowerCase();
  const tried = searchCandidates(host.toLowerCase(), from, domain);
  for (const { fqdn, searchDomain } of tried) {
    const service = ir.services.find((s) => fqdnOf(s, domain) === fqdn);
    if (!service) continue;
    const how =
      searchDomain === undefined
        ? `${JSON.stringify(host)} is the fully qualified name of ${ref(service)}`
        : `${JSON.stringify(host)} resolved as ${fqdn} via search domain ${searchDomain}` +
          (searchDomain === `${from}.svc.${domain}` ? ` (the short name is looked up in namespace ${from})` : '');
    return { found: true, service, resolvedAs: fqdn, how };
  }
  return { found: false, tried: tried.map((t) => t.fqdn) };
}

/** The names the resolver tries, in its order: search domains first unless the name has ≥ ndots dots. */
function searchCandidates(host: string, from: string, domain: string): { fqdn: string; searchDomain?: string }[] {
  if (host.endsWith('.')) return [{ fqdn: host.slice(0, -1) }];
  const searched = [`${from}.svc.${domain}`, `svc.${domain}`, domain].map((d) => ({ fqdn: `${host}.${d}`, searchDomain: d }));
  const absolute = { fqdn: host };
  const dots = host.split('.').length - 1;
  return dots >= NDOTS ? [absolute, ...searched] : [...searched, absolute];
}

/** The Service's cluster DNS name, as the translator listed it (or as cluster DNS would form it). */
function fqdnOf(service: ServiceIR, domain: string): string {
  const suffix = `.svc.${domain}`;
  const listed = service.hostnames.find((h) => h.toLowerCase().endsWith(suffix));
  return (listed ?? `${service.ref.name}.${service.ref.namespace}${suffix}`).toLowerCase();
}

/** IPv4 or IPv6 in one spelling (`::0:1` and `::1` are the same address), or undefined for names. */
export function canonicalIp(text: string): string | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  if (/^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(bare)) {
    return bare.split('.').every((o) => Number(o) <= 255) ? bare.split('.').map(Number).join('.') : undefined;
  }
  if (!bare.includes(':')) return undefined;
  try {
    // The WHATWG URL parser canonicalizes IPv6 literals (RFC 5952): no I/O, just parsing.
    return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

export type RouteGroup =
  | { group: 'consumer'; namespace: string; table: RouteTable; why: string }
  | { group: 'producer'; namespace: string; table: RouteTable; why: string }
  | { group: 'none'; why: string };

/**
 * GEP-1294: consumer routes (routes in the client's namespace) replace the producer routes for
 * that client; everyone else gets the producer routes; without either, no mesh routing at all.
 */
export function chooseRouteGroup(service: ServiceIR, port: ServicePortIR, from: string): RouteGroup {
  const consumer = port.consumers.find((c) => c.namespace === from);
  if (consumer) {
    const why = port.producer
      ? `consumer routes of namespace ${from} win over the producer routes of ${service.ref.namespace}`
      : `consumer routes of namespace ${from} apply to clients in ${from}`;
    return { group: 'consumer', namespace: from, table: consumer.table, why };
  }
  if (port.producer) {
    const others = port.consumers.map((c) => c.namespace);
    const why =
      `producer routes (in the Service's namespace ${service.ref.namespace}) apply to every client` +
      (others.length > 0 ? `; namespace ${from} has no consumer routes (${others.join(', ')} do)` : '');
    return { group: 'producer', namespace: service.ref.namespace, table: port.producer, why };
  }
  const others = port.consumers.map((c) => c.namespace);
  return {
    group: 'none',
    why:
      'no route attached: the Service behaves as without a mesh' +
      (others.length > 0 ? ` (only clients in ${others.join(', ')} have consumer routes)` : ''),
  };
}

function ref(service: ServiceIR): string {
  return `${service.ref.namespace}/${service.ref.name}`;
}
