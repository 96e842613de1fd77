// Which Service a client in some namespace reaches by a host name or address, resolved the way
// the pod's resolver would (search list `<ns>.svc.<domain> svc.<domain> <domain>`, ndots 5), and
// which route table of the Service's port applies to that client. Shared by the proxy and `explain`.
import { canonicalIp, searchNames, serviceFqdn, type MeshIR, type RouteTable, type ServiceIR, type ServicePortIR } from '../../src/ir/index.js';

export { canonicalIp } from '../../src/ir/index.js';

export type ServiceResolution =
  | { found: true; service: ServiceIR; resolvedAs: string; how: string }
  | { found: false; tried: string[] };


export function resolveService(ir: MeshIR, host: string, from: string): ServiceResolution {
  const ip = canonicalIp(host);
  if (ip !== undefined) {
    const service = ir.services.find((s) => s.clusterIPs.some((c) => canonicalIp(c) === ip));
    if (service) return { found: true, service, resolvedAs: ip, how: `${ip} is a ClusterIP of ${ref(service)}` };
    return { found: false, tried: [ip] };
  }
  const domain = ir.clusterDomain.toLowerCase();
  const tried = searchNames(host.toLowerCase(), from, domain);
  for (const { fqdn, searchDomain } of tried) {
    const service = ir.services.find((s) => serviceFqdn(s, domain) === fqdn);
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
