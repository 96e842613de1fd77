// HTTPRoute → rules with matches, filters, backends, timeouts and retry. Each rule is checked on
// its own: an invalid rule is dropped and reported, the others go on (PartiallyInvalid).
import type { HTTPRoute, HTTPRouteRule, SessionPersistence } from '../api/gateway/index.js';
import type { HttpMatchIR, HttpRuleIR, RetryIR, SessionPersistenceIR, TimeoutsIR } from '../ir/index.js';
import type { BackendContext } from './backends.js';
import { parseDuration } from './duration.js';
import { translateFilters } from './filters.js';
import { translateRuleBackends, unresolvedFilterFailure } from './rulebackends.js';
import { httpMatch } from './matches.js';
import { RouteProblems, ruleLabel } from './problems.js';
import { routeView, type TranslatedHttpRule, type TranslatedRoute } from './routeview.js';

type RuleResult = { ok: true; value: TranslatedHttpRule } | { ok: false; message: string };

export function translateHttpRoute(route: HTTPRoute, backends: Omit<BackendContext, 'routeKind' | 'routeNamespace'>): TranslatedRoute {
  const view = routeView('HTTPRoute', route);
  const problems = new RouteProblems();
  const ctx: BackendContext = { ...backends, routeKind: 'HTTPRoute', routeNamespace: view.ref.namespace };
  // The CRD defaults `rules` to one catch-all rule; objects built in code may leave it out.
  const inputs: HTTPRouteRule[] = route.spec.rules ?? [{}];
  const rules: TranslatedHttpRule[] = [];
  inputs.forEach((input, index) => {
    const result = translateHttpRule(input, index, view.ref, ctx, problems);
    if (result.ok) rules.push(result.value);
    else problems.dropRule(index, input.name, result.message);
  });
  return { view, problems, family: 'http', kind: 'HTTPRoute', rules, ruleCount: inputs.length };
}

function translateHttpRule(
  input: HTTPRouteRule,
  index: number,
  route: TranslatedRoute['view']['ref'],
  ctx: BackendContext,
  problems: RouteProblems,
): RuleResult {
  const where = ruleLabel(index, input.name);
  const matches: HttpMatchIR[] = [];
  for (const m of input.matches?.length ? input.matches : [{}]) {
    const r = httpMatch(m);
    if (!r.ok) return r;
    matches.push(r.value);
  }
  const allMatchesArePrefix = matches.every((m) => (m.path?.type ?? 'PathPrefix') === 'PathPrefix');
  // Problems found in a rule that is then dropped must not leak into ResolvedRefs: collect them
  // apart and merge only if the rule survives.
  const local = new RouteProblems();
  const filterCtx = { routeKind: 'HTTPRoute' as const, backends: ctx, problems: local, where, allMatchesArePrefix };
  const filters = translateFilters(input.filters, filterCtx);
  if (!filters.ok) return { ok: false, message: filters.message };
  if (filters.filters.some((f) => f.type === 'RequestRedirect') && (input.backendRefs ?? []).length > 0) {
    // The CRD forbids this (a redirect answers the request; there is nothing to forward), but
    // files never meet the API server's validation.
    return { ok: false, message: 'a RequestRedirect filter cannot be combined with backendRefs in one rule' };
  }

  const backends = translateRuleBackends(input.backendRefs, filterCtx);
  if (!backends.ok) return backends;

  const rule: HttpRuleIR = { id: input.name ? { route, index, name: input.name } : { route, index }, filters: filters.filters, backends: backends.backends };
  const timeouts = translateTimeouts(input.timeouts);
  if (typeof timeouts === 'string') return { ok: false, message: timeouts };
  if (timeouts) rule.timeouts = timeouts;
  const retry = translateRetry(input.retry);
  if (typeof retry === 'string') return { ok: false, message: retry };
  if (retry) rule.retry = retry;
  if (input.sessionPersistence) {
    const sp = translateSessionPersistence(input.sessionPersistence);
    if (typeof sp === 'string') return { ok: false, message: sp };
    rule.sessionPersistence = sp;
    local.unsupported.push(`${where}: sessionPersistence is not enforced by Sidelane yet; requests are balanced without affinity`);
  }
  if (filters.unresolvedExtension !== undefined) {
    rule.failure = unresolvedFilterFailure(filters.unresolvedExtension);
  }
  problems.refs.push(...local.refs);
  problems.unsupported.push(...local.unsupported);
  return { ok: true, value: { rule, matches } };
}

function translateTimeouts(t: HTTPRouteRule['timeouts']): TimeoutsIR | string | undefined {
  if (!t || (t.request === undefined && t.backendRequest === undefined)) return undefined;
  const out: TimeoutsIR = {};
  if (t.request !== undefined) {
    const ms = parseDuration(t.request);
    if (ms === undefined) return `timeouts.request ${JSON.stringify(t.request)} is not a Gateway API duration`;
    out.requestMs = ms;
  }
  if (t.backendRequest !== undefined) {
    const ms = parseDuration(t.backendRequest);
    if (ms === undefined) return `timeouts.backendRequest ${JSON.stringify(t.backendRequest)} is not a Gateway API duration`;
    out.backendRequestMs = ms;
  }
  // 0 disables a timeout; only two real limits can contradict each other.
  if (out.requestMs && out.backendRequestMs && out.backendRequestMs > out.requestMs) {
    return `timeouts.backendRequest (${t.backendRequest}) is longer than timeouts.request (${t.request})`;
  }
  return out;
}

function translateRetry(r: HTTPRouteRule['retry']): RetryIR | string | undefined {
  if (!r) return undefined;
  const codes = [...new Set(r.codes ?? [])].sort((a, b) => a - b);
  const bad = codes.find((c) => c < 400 || c > 599);
  if (bad !== undefined) return `retry code ${bad} is not between 400 and 599`;
  // The spec leaves the default attempts to implementations; Envoy's (and ours) is 1.
  const out: RetryIR = { attempts: r.attempts ?? 1, codes };
  if (r.backoff !== undefined) {
    const ms = parseDuration(r.backoff);
    if (ms === undefined) return `retry.backoff ${JSON.stringify(r.backoff)} is not a Gateway API duration`;
    out.backoffMs = ms;
  }
  return out;
}

function translateSessionPersistence(sp: SessionPersistence): SessionPersistenceIR | string {
  const out: SessionPersistenceIR = { type: sp.type === 'Header' ? 'Header' : 'Cookie', supported: false };
  if (sp.sessionName) out.sessionName = sp.sessionName;
  if (sp.absoluteTimeout !== undefined) {
    const ms = parseDuration(sp.absoluteTimeout);
    if (ms === undefined) return `sessionPersistence.absoluteTimeout ${JSON.stringify(sp.absoluteTimeout)} is not a Gateway API duration`;
    out.absoluteTimeoutMs = ms;
  }
  if (sp.cookieConfig?.lifetimeType) out.cookieLifetime = sp.cookieConfig.lifetimeType;
  return out;
}
