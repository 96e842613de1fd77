// The Gateway API's match precedence, one comparator per route kind. Routes merged on one Service
// port are ordered by these rules, never by arrival order:
//   HTTPRoute: Exact path > RegularExpression path > longest PathPrefix (characters) > method >
//              most header matches > most query matches;
//   GRPCRoute: longest matching service > longest method > most header matches;
// then, for both, the oldest route, then namespace/name, then rule order, then match order.
// Where a RegularExpression path ranks is implementation-specific; ADR 0005 says why it sits
// between Exact and PathPrefix.
import type { HttpMatchIR } from '../ir/index.js';

export interface RankedMatch {
  match: HttpMatchIR;
  /** RFC 3339 creationTimestamp of the route ('' when unknown: sorts as oldest). */
  createdAt: string;
  namespace: string;
  name: string;
  ruleIndex: number;
  matchIndex: number;
}

const PATH_TYPE_RANK = { Exact: 0, RegularExpression: 1, PathPrefix: 2 } as const;

export function compareHttpMatches(a: RankedMatch, b: RankedMatch): number {
  return compareHttpSpecificity(a.match, b.match) || compareOrigin(a, b);
}

export function compareHttpSpecificity(a: HttpMatchIR, b: HttpMatchIR): number {
  const pa = a.path ?? { type: 'PathPrefix', value: '/' };
  const pb = b.path ?? { type: 'PathPrefix', value: '/' };
  return (
    PATH_TYPE_RANK[pa.type] - PATH_TYPE_RANK[pb.type] ||
    pb.value.length - pa.value.length ||
    Number(b.method !== undefined) - Number(a.method !== undefined) ||
    b.headers.length - a.headers.length ||
    b.queryParams.length - a.queryParams.length
  );
}

export function compareGrpcMatches(a: RankedMatch, b: RankedMatch): number {
  return compareGrpcSpecificity(a.match, b.match) || compareOrigin(a, b);
}

export function compareGrpcSpecificity(a: HttpMatchIR, b: HttpMatchIR): number {
  const len = (m: HttpMatchIR, part: 'service' | 'method'): number => m.grpc?.[part]?.value.length ?? 0;
  const exact = (m: HttpMatchIR, part: 'service' | 'method'): number => (m.grpc?.[part]?.type === 'Exact' ? 1 : 0);
  return (
    len(b, 'service') - len(a, 'service') ||
    exact(b, 'service') - exact(a, 'service') ||
    len(b, 'method') - len(a, 'method') ||
    exact(b, 'method') - exact(a, 'method') ||
    b.headers.length - a.headers.length
  );
}

/** Oldest route first, then namespace/name, then the order the user wrote. */
export function compareOrigin(
  a: Pick<RankedMatch, 'createdAt' | 'namespace' | 'name' | 'ruleIndex' | 'matchIndex'>,
  b: Pick<RankedMatch, 'createdAt' | 'namespace' | 'name' | 'ruleIndex' | 'matchIndex'>,
): number {
  return (
    compareStrings(a.createdAt, b.createdAt) ||
    compareStrings(a.namespace, b.namespace) ||
    compareStrings(a.name, b.name) ||
    a.ruleIndex - b.ruleIndex ||
    a.matchIndex - b.matchIndex
  );
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
