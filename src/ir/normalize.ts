// `normalize()`: the canonical form of an IR, so two equal configurations serialize identically and
// a no-op push can be skipped. Sorts what the IR documents as sorted (services, ports, consumers,
// endpoint sets/ports/endpoints, match headers and query params, gateway classes, their ports,
// listeners and virtual hosts by hostname precedence) plus lists that are sets by meaning (SNI
// hosts, retry codes, header modifiers, CORS lists), and orders object keys.
// Never reordered: `routes` (oldest first), `matches` and `rules` (precedence), `filters` (the
// user's order is honoured), `backends`, TLS rules (most specific first), ClusterIPs (primary
// family first), Service hostnames, listener certificates (the first is the default) and ALPN.
import type { HttpFilterIR } from './filters.js';
import type { GatewayClassIR, VirtualHostIR } from './gateway.js';
import type { MeshIR } from './mesh.js';
import {
  compareByName,
  compareGatewayClasses,
  compareGatewayPorts,
  compareHostnamePatterns,
  compareConsumers,
  compareEndpointPorts,
  compareEndpoints,
  compareEndpointSets,
  compareNumbers,
  compareServicePorts,
  compareServices,
  compareStrings,
} from './order.js';
import type { RouteTable } from './routes.js';

/**
 * Returns a sorted deep copy; the input is not modified. Idempotent. Expects an IR of the declared
 * shape (run `validate()` on one from the wire first): a missing list throws a TypeError.
 */
export function normalize(ir: MeshIR): MeshIR {
  // The copy is built fresh, so sorting it in place below cannot touch the caller's value.
  const copy = copyWithSortedKeys(ir) as MeshIR;
  copy.services.sort(compareServices);
  for (const service of copy.services) {
    service.ports.sort(compareServicePorts);
    for (const port of service.ports) {
      if (port.producer !== undefined) normalizeTable(port.producer);
      port.consumers.sort(compareConsumers);
      for (const consumer of port.consumers) normalizeTable(consumer.table);
    }
  }
  copy.endpoints.sort(compareEndpointSets);
  for (const set of copy.endpoints) {
    set.ports.sort(compareEndpointPorts);
    for (const port of set.ports) port.endpoints.sort(compareEndpoints);
  }
  // No class of ours is spelled one way only: absent (the IR of a mesh without Gateways).
  if (copy.gateways?.length === 0) delete copy.gateways;
  if (copy.gateways !== undefined) normalizeGateways(copy.gateways);
  return copy;
}

function normalizeGateways(gateways: GatewayClassIR[]): void {
  gateways.sort(compareGatewayClasses);
  for (const gatewayClass of gateways) {
    gatewayClass.ports.sort(compareGatewayPorts);
    for (const port of gatewayClass.ports) {
      switch (port.kind) {
        case 'http':
          port.listeners.sort(byHostname);
          for (const listener of port.listeners) normalizeHosts(listener.hosts);
          break;
        case 'tls':
          // Certificates keep their order (certificateRefs: the first is the default), ALPN too.
          port.listeners.sort(byHostname);
          for (const listener of port.listeners) {
            if (listener.http !== undefined) normalizeHosts(listener.http);
            if (listener.tls !== undefined) normalizeTable(listener.tls);
          }
          break;
        case 'tcp':
          if (port.table !== undefined) normalizeTable(port.table);
          break;
        case 'udp':
          break;
      }
    }
  }
}

function normalizeHosts(hosts: VirtualHostIR[]): void {
  hosts.sort(byHostname);
  for (const host of hosts) normalizeTable(host.table);
}

function byHostname(a: { hostname: string }, b: { hostname: string }): number {
  return compareHostnamePatterns(a.hostname, b.hostname);
}

function normalizeTable(table: RouteTable): void {
  switch (table.kind) {
    case 'http':
      for (const { match } of table.matches) {
        // Stable sorts: of two equal names the first keeps winning, as the spec says.
        match.headers.sort(compareByName);
        match.queryParams.sort(compareByName);
      }
      for (const rule of table.rules) {
        rule.filters.forEach(normalizeFilter);
        for (const backend of rule.backends) {
          if (backend.kind === 'Service') backend.filters.forEach(normalizeFilter);
        }
        rule.retry?.codes.sort(compareNumbers);
      }
      return;
    case 'tls':
      for (const rule of table.rules) rule.sniHosts.sort(compareStrings);
      return;
    case 'tcp':
      return;
  }
}

function normalizeFilter(filter: HttpFilterIR): void {
  switch (filter.type) {
    case 'RequestHeaderModifier':
    case 'ResponseHeaderModifier':
      // Field order across different names carries no meaning in HTTP; a stable sort keeps the
      // order of repeated `add`s of one name.
      filter.set.sort(compareByName);
      filter.add.sort(compareByName);
      filter.remove.sort(compareStrings);
      return;
    case 'CORS':
      filter.allowOrigins.sort(compareStrings);
      filter.allowMethods.sort(compareStrings);
      filter.allowHeaders.sort(compareStrings);
      filter.exposeHeaders.sort(compareStrings);
      return;
    default:
      return;
  }
}

/**
 * Deep copy of a JSON-like value with object keys in sorted order and `undefined` properties
 * dropped, so even `JSON.stringify(normalize(ir))` is canonical. (JavaScript lists integer-like
 * keys first whatever the insertion order; the IR has no such keys, and `canonicalJson` does not
 * rely on key order anyway.)
 */
function copyWithSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyWithSortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareStrings)) {
    const property: unknown = (value as Record<string, unknown>)[key];
    if (property !== undefined) copy[key] = copyWithSortedKeys(property);
  }
  return copy;
}
