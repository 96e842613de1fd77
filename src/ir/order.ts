// The IR's canonical order, in one place: `normalize()` sorts by these comparators and `validate()`
// checks lists against the same ones, so "sorted" can never mean two different things. Strings
// compare by UTF-16 code unit, never by locale, so the order is the same on every machine.
import type { EndpointIR, EndpointPortIR, EndpointSetIR } from './endpoints.js';
import type { GatewayClassIR, GatewayPortIR, HostnamePattern } from './gateway.js';
import { hostnameRank } from './hostname.js';
import type { ServiceRef } from './refs.js';
import type { ConsumerRouteTable, ServiceIR, ServicePortIR } from './service.js';

export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

export function compareServiceRefs(a: ServiceRef, b: ServiceRef): number {
  return compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name);
}

export function compareServices(a: ServiceIR, b: ServiceIR): number {
  return compareServiceRefs(a.ref, b.ref);
}

export function compareServicePorts(a: ServicePortIR, b: ServicePortIR): number {
  return compareNumbers(a.port, b.port) || compareStrings(a.transport, b.transport);
}

export function compareConsumers(a: ConsumerRouteTable, b: ConsumerRouteTable): number {
  return compareStrings(a.namespace, b.namespace);
}

export function compareEndpointSets(a: EndpointSetIR, b: EndpointSetIR): number {
  return compareServiceRefs(a.service, b.service);
}

export function compareEndpointPorts(a: EndpointPortIR, b: EndpointPortIR): number {
  return compareNumbers(a.servicePort, b.servicePort) || compareStrings(a.transport, b.transport);
}

export function compareEndpoints(a: EndpointIR, b: EndpointIR): number {
  return compareStrings(a.address, b.address) || compareNumbers(a.port, b.port);
}

/** Header and query parameter matches, header modifiers: by name only, so a stable sort keeps
 * the relative order of equal names (the spec lets the first of duplicate names win). */
export function compareByName(a: { name: string }, b: { name: string }): number {
  return compareStrings(a.name, b.name);
}

/**
 * Hostname precedence (listeners of a gateway port, virtual hosts of a listener): exact names
 * before wildcards before `*`; within each, the longer (more specific) first. Equal ranks and
 * lengths cannot both cover one host unless equal, so the final tie-break by text only makes the
 * order canonical.
 */
export function compareHostnamePatterns(a: HostnamePattern, b: HostnamePattern): number {
  return hostnameRank(a) - hostnameRank(b) || b.length - a.length || compareStrings(a, b);
}

export function compareGatewayClasses(a: GatewayClassIR, b: GatewayClassIR): number {
  return compareStrings(a.name, b.name);
}

/** What a gateway port is bound with: UDP for `udp`, TCP for the kinds carried over TCP. */
export function gatewayPortTransport(port: GatewayPortIR): 'TCP' | 'UDP' {
  return port.kind === 'udp' ? 'UDP' : 'TCP';
}

/** By port, then transport: a port number is bound at most once per transport. */
export function compareGatewayPorts(a: GatewayPortIR, b: GatewayPortIR): number {
  return compareNumbers(a.port, b.port) || compareStrings(gatewayPortTransport(a), gatewayPortTransport(b));
}
