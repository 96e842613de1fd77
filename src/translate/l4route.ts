// TCPRoute and TLSRoute → rules of backends; TLSRoute rules are chosen by SNI (the route's
// hostnames), TCP has nothing to choose by. UDPRoute is read only to report it unsupported.
import type { TCPRoute, TCPRouteRule, TLSRoute, TLSRouteRule, UDPRoute } from '../api/gateway/index.js';
import type { L4BackendIR, RouteRef, TcpRuleIR, TlsRuleIR } from '../ir/index.js';
import { resolveBackend, type BackendContext } from './backends.js';
import { RouteProblems, ruleLabel } from './problems.js';
import { routeView, type TranslatedRoute } from './routeview.js';

type BackendsFor = Omit<BackendContext, 'routeKind' | 'routeNamespace'>;

function l4Backends(input: TCPRouteRule | TLSRouteRule, where: string, ctx: BackendContext, problems: RouteProblems): L4BackendIR[] {
  return input.backendRefs.map((ref, i) => resolveBackend(ref, ctx, problems, `${where} backendRef ${i}`));
}

function ruleId(route: RouteRef, index: number, name: string | undefined): TcpRuleIR['id'] {
  return name ? { route, index, name } : { route, index };
}

export function translateTcpRoute(route: TCPRoute, backends: BackendsFor): TranslatedRoute {
  const view = routeView('TCPRoute', route);
  const problems = new RouteProblems();
  const ctx: BackendContext = { ...backends, routeKind: 'TCPRoute', routeNamespace: view.ref.namespace };
  const inputs = route.spec.rules;
  const rules: TcpRuleIR[] = [];
  inputs.forEach((input, index) => {
    if (index > 0) {
      // TCP rules have no matches, so nothing could ever choose a second rule.
      problems.dropRule(index, input.name, 'a TCPRoute rule after the first can never be chosen (TCP rules have no matches)');
      return;
    }
    const where = ruleLabel(index, input.name);
    rules.push({ id: ruleId(view.ref, index, input.name), backends: l4Backends(input, where, ctx, problems) });
  });
  if (inputs.length === 0) problems.dropRule(0, undefined, 'the TCPRoute has no rules');
  return { view, problems, family: 'tcp', kind: 'TCPRoute', rules, ruleCount: Math.max(1, inputs.length) };
}

export function translateTlsRoute(route: TLSRoute, backends: BackendsFor): TranslatedRoute {
  const view = routeView('TLSRoute', route);
  const problems = new RouteProblems();
  const ctx: BackendContext = { ...backends, routeKind: 'TLSRoute', routeNamespace: view.ref.namespace };
  const inputs = route.spec.rules;
  const sniHosts = [...new Set(view.hostnames.map((h) => h.toLowerCase()))].sort();
  const rules: TlsRuleIR[] = [];
  inputs.forEach((input, index) => {
    if (index > 0) {
      problems.dropRule(index, input.name, 'a TLSRoute rule after the first can never be chosen (rules share the route hostnames)');
      return;
    }
    const where = ruleLabel(index, input.name);
    rules.push({ id: ruleId(view.ref, index, input.name), sniHosts, backends: l4Backends(input, where, ctx, problems) });
  });
  if (inputs.length === 0) problems.dropRule(0, undefined, 'the TLSRoute has no rules');
  return { view, problems, family: 'tls', kind: 'TLSRoute', rules, ruleCount: Math.max(1, inputs.length) };
}

export function translateUdpRoute(route: UDPRoute): TranslatedRoute {
  const view = routeView('UDPRoute', route);
  return { view, problems: new RouteProblems(), family: 'udp', kind: 'UDPRoute', rules: [], ruleCount: route.spec.rules.length };
}
