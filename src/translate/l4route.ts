// TCPRoute, TLSRoute and UDPRoute → rules of backends; TLSRoute rules are chosen by SNI (the
// route's hostnames), TCP and UDP have nothing to choose by. UDPRoute backends are the Services'
// UDP ports (Gateway listeners only: the mesh refuses UDPRoute on Service parents).
import type { TCPRoute, TCPRouteRule, TLSRoute, TLSRouteRule, UDPRoute, UDPRouteRule } from '../api/gateway/index.js';
import type { L4BackendIR, RouteRef, TcpRuleIR, TlsRuleIR, UdpRuleIR } from '../ir/index.js';
import { resolveBackend, type BackendContext } from './backends.js';
import { RouteProblems, ruleLabel } from './problems.js';
import { routeView, type TranslatedRoute } from './routeview.js';

type BackendsFor = Omit<BackendContext, 'routeKind' | 'routeNamespace'>;

function l4Backends(
  input: TCPRouteRule | TLSRouteRule | UDPRouteRule,
  where: string,
  ctx: BackendContext,
  problems: RouteProblems,
  transport: 'TCP' | 'UDP' = 'TCP',
): L4BackendIR[] {
  return input.backendRefs.map((ref, i) => resolveBackend(ref, ctx, problems, `${where} backendRef ${i}`, transport));
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

export function translateUdpRoute(route: UDPRoute, backends: BackendsFor): TranslatedRoute {
  const view = routeView('UDPRoute', route);
  const problems = new RouteProblems();
  const ctx: BackendContext = { ...backends, routeKind: 'UDPRoute', routeNamespace: view.ref.namespace };
  const inputs = route.spec.rules;
  const rules: UdpRuleIR[] = [];
  inputs.forEach((input, index) => {
    if (index > 0) {
      // Like TCP: datagrams carry nothing a second rule could be chosen by.
      problems.dropRule(index, input.name, 'a UDPRoute rule after the first can never be chosen (UDP rules have no matches)');
      return;
    }
    const where = ruleLabel(index, input.name);
    rules.push({ id: ruleId(view.ref, index, input.name), backends: l4Backends(input, where, ctx, problems, 'UDP') });
  });
  if (inputs.length === 0) problems.dropRule(0, undefined, 'the UDPRoute has no rules');
  return { view, problems, family: 'udp', kind: 'UDPRoute', rules, ruleCount: Math.max(1, inputs.length) };
}
