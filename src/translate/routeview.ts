// What every route kind has in common, seen once so parent binding, merging and status need not
// care which kind they handle.
import type { HttpMatchIR, HttpRuleIR, RouteRef, TcpRuleIR, TlsRuleIR, UdpRuleIR } from '../ir/index.js';
import type { RouteProblems } from './problems.js';

export interface ParentRefInput {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface RouteObject {
  metadata: {
    name?: string;
    namespace?: string;
    generation?: number;
    creationTimestamp?: Date | string;
  };
  spec: { parentRefs?: ParentRefInput[]; hostnames?: string[] };
}

export interface RouteView {
  ref: RouteRef;
  generation: number;
  /** RFC 3339 text; '' when unknown (files), which sorts as oldest. */
  createdAt: string;
  parentRefs: ParentRefInput[];
  hostnames: string[];
}

export function routeView(kind: RouteRef['kind'], route: RouteObject, defaultNamespace = 'default'): RouteView {
  const ts = route.metadata.creationTimestamp;
  return {
    ref: { kind, namespace: route.metadata.namespace ?? defaultNamespace, name: route.metadata.name ?? '' },
    // Objects from files have no generation; the API server would have given them 1.
    generation: route.metadata.generation ?? 1,
    createdAt: ts === undefined ? '' : typeof ts === 'string' ? ts : ts.toISOString(),
    parentRefs: route.spec.parentRefs ?? [],
    hostnames: route.spec.hostnames ?? [],
  };
}

export interface TranslatedHttpRule {
  rule: HttpRuleIR;
  matches: HttpMatchIR[];
}

/** A route after its own rules were translated, before it is bound to any parent. */
export type TranslatedRoute =
  | { view: RouteView; problems: RouteProblems; family: 'http'; kind: 'HTTPRoute' | 'GRPCRoute'; rules: TranslatedHttpRule[]; ruleCount: number }
  | { view: RouteView; problems: RouteProblems; family: 'tls'; kind: 'TLSRoute'; rules: TlsRuleIR[]; ruleCount: number }
  | { view: RouteView; problems: RouteProblems; family: 'tcp'; kind: 'TCPRoute'; rules: TcpRuleIR[]; ruleCount: number }
  | { view: RouteView; problems: RouteProblems; family: 'udp'; kind: 'UDPRoute'; rules: UdpRuleIR[]; ruleCount: number };
