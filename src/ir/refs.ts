// Typed references used across the IR. Keeping them as small structs (not "ns/name" strings)
// means a Service reference can never be confused with a route or an endpoint address.

export interface ServiceRef {
  namespace: string;
  name: string;
}

export type RouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TCPRoute' | 'TLSRoute' | 'UDPRoute';

export interface RouteRef {
  kind: RouteKind;
  namespace: string;
  name: string;
}

/** Where a rule came from: for logs, metrics, traces and `sidelane explain`. */
export interface RuleRef {
  route: RouteRef;
  /** Index of the rule in the route's `spec.rules`. */
  index: number;
  /** `rules[].name` when the user gave one. */
  name?: string;
}

export function serviceKey(ref: ServiceRef): string {
  return `${ref.namespace}/${ref.name}`;
}

export function routeKey(ref: RouteRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

export function ruleKey(ref: RuleRef): string {
  return `${routeKey(ref.route)}/rule/${ref.name ?? ref.index}`;
}
