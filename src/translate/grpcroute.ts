// GRPCRoute → rules matched on gRPC service/method and headers. Same rule-by-rule checking as
// HTTPRoute; GRPCRoute has fewer filters and no timeouts or retry of its own.
import type { GRPCRoute, GRPCRouteRule } from '../api/gateway/index.js';
import type { HttpMatchIR, HttpRuleIR } from '../ir/index.js';
import type { BackendContext } from './backends.js';
import { translateFilters } from './filters.js';
import { translateRuleBackends, unresolvedFilterFailure } from './rulebackends.js';
import { grpcMatch } from './matches.js';
import { RouteProblems, ruleLabel } from './problems.js';
import { routeView, type TranslatedHttpRule, type TranslatedRoute } from './routeview.js';

export function translateGrpcRoute(route: GRPCRoute, backends: Omit<BackendContext, 'routeKind' | 'routeNamespace'>): TranslatedRoute {
  const view = routeView('GRPCRoute', route);
  const problems = new RouteProblems();
  const ctx: BackendContext = { ...backends, routeKind: 'GRPCRoute', routeNamespace: view.ref.namespace };
  const inputs: GRPCRouteRule[] = route.spec.rules ?? [{}];
  const rules: TranslatedHttpRule[] = [];
  inputs.forEach((input, index) => {
    const where = ruleLabel(index, input.name);
    const result = translateGrpcRule(input, index, where, view.ref, ctx);
    if ('message' in result) {
      problems.dropRule(index, input.name, result.message);
      return;
    }
    problems.refs.push(...result.local.refs);
    problems.unsupported.push(...result.local.unsupported);
    rules.push(result.rule);
  });
  return { view, problems, family: 'http', kind: 'GRPCRoute', rules, ruleCount: inputs.length };
}

function translateGrpcRule(
  input: GRPCRouteRule,
  index: number,
  where: string,
  route: TranslatedRoute['view']['ref'],
  ctx: BackendContext,
): { rule: TranslatedHttpRule; local: RouteProblems } | { message: string } {
  const matches: HttpMatchIR[] = [];
  for (const m of input.matches?.length ? input.matches : [{}]) {
    const r = grpcMatch(m);
    if (!r.ok) return { message: r.message };
    matches.push(r.value);
  }
  const local = new RouteProblems();
  const filterCtx = { routeKind: 'GRPCRoute' as const, backends: ctx, problems: local, where, allMatchesArePrefix: false };
  const filters = translateFilters(input.filters, filterCtx);
  if (!filters.ok) return { message: filters.message };
  const backends = translateRuleBackends(input.backendRefs, filterCtx);
  if (!backends.ok) return { message: backends.message };

  const rule: HttpRuleIR = { id: input.name ? { route, index, name: input.name } : { route, index }, filters: filters.filters, backends: backends.backends };
  if (filters.unresolvedExtension !== undefined) {
    rule.failure = unresolvedFilterFailure(filters.unresolvedExtension);
  }
  if (input.sessionPersistence !== undefined) {
    local.unsupported.push(`${where}: sessionPersistence is not enforced by Sidelane yet; requests are balanced without affinity`);
  }
  return { rule: { rule, matches }, local };
}
