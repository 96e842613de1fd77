// `sidelane explain`: what the mesh does with one request from a client in a namespace — which
// Service and port it reaches, which route table and entry decide, what the filters do, where it
// goes. Pure over the IR, using the sidecar's own matcher, so the explanation is the proxy's answer.
import type { HttpRouteTable, L4BackendIR, MeshIR, RouteRef, ServiceIR, TcpRouteTable, TlsRouteTable } from '../ir/index.js';
import { describeMatch } from '../../sidecar/route/describe.js';
import { explainHttp, httpRequestFacts, parseRequestTarget } from '../../sidecar/route/match.js';
import { chooseSni } from '../../sidecar/route/sni.js';
import { backendViews, describeRule, describeShare, endpointsOf, noUsableBackend } from './explain-backends.js';
import { applyFilters, type FilterState } from './explain-filters.js';
import type { ParsedRequest } from './explain-request.js';
import { chooseRouteGroup, resolveService } from '../../sidecar/config/resolve.js';
import type { BackendView, ExplainResult, HttpExplainView } from './explain-result.js';

export type { ParsedRequest } from './explain-request.js';
export { parseRequest, RequestSyntaxError } from './explain-request.js';
export type { ExplainResult } from './explain-result.js';
export { formatExplain } from './explain-format.js';

export function explainRequest(ir: MeshIR, request: ParsedRequest, from: string): ExplainResult {
  // Notes last: in YAML/JSON output they read as a footnote, as in the text.
  const { notes, ...rest } = explainInto(ir, request, from);
  return { ...rest, notes };
}

function explainInto(ir: MeshIR, request: ParsedRequest, from: string): ExplainResult {
  const result: ExplainResult = {
    request: {
      method: request.method,
      url: requestUrl(request),
      headers: request.headers.map(([name, value]) => ({ name, value })),
      from,
    },
    outcome: 'no-service',
    verdict: '',
    notes: [],
  };

  const resolution = resolveService(ir, request.host, from);
  if (!resolution.found) {
    result.verdict = `no Service answers to ${JSON.stringify(request.host)} from namespace ${from}: the mesh passes the request through untouched`;
    result.notes.push(`tried ${resolution.tried.join(', ')}`);
    return result;
  }
  const { service } = resolution;
  result.service = {
    namespace: service.ref.namespace,
    name: service.ref.name,
    type: service.type,
    clusterIPs: service.clusterIPs,
    resolvedAs: resolution.resolvedAs,
    how: resolution.how,
  };
  if (service.headless || service.type === 'ExternalName') {
    result.outcome = 'no-frontend';
    result.verdict = service.headless
      ? `${ref(service)} is headless: clients reach its pods directly, so no route applies`
      : `${ref(service)} is an ExternalName Service: DNS points elsewhere, so no route applies`;
    return result;
  }

  const port = service.ports.find((p) => p.port === request.port && p.transport === 'TCP');
  if (!port) {
    result.outcome = 'no-port';
    const ports = service.ports.map((p) => `${p.port}/${p.transport}${p.name ? ` (${p.name})` : ''}`).join(', ');
    result.verdict = `${ref(service)} has no TCP port ${request.port}${request.portGiven ? '' : ` (the ${request.scheme} default)`}; its ports: ${ports || 'none'}`;
    return result;
  }
  result.port = { port: port.port, name: port.name, protocol: port.protocol, protocolSource: port.protocolSource };

  const group = chooseRouteGroup(service, port, from);
  if (group.group === 'none') {
    result.outcome = 'no-route';
    result.routes = { group: 'none', why: group.why, merged: [] };
    result.endpoints = endpointsOf(ir, service.ref, port.port);
    result.verdict = `no route: load-balanced over the endpoints of ${ref(service)}:${port.port}, as without a mesh`;
    return result;
  }
  const table = group.table;
  result.routes = {
    group: group.group,
    why: group.why,
    tableKind: table.kind,
    ...(table.kind === 'http' ? { routeKind: table.routeKind } : {}),
    merged: table.routes.map(routeName),
  };
  switch (table.kind) {
    case 'http':
      explainHttpTable(ir, table, request, result);
      break;
    case 'tls':
      explainTlsTable(ir, table, request, result);
      break;
    case 'tcp':
      explainTcpTable(ir, table, result);
      break;
  }
  return result;
}

function explainHttpTable(ir: MeshIR, table: HttpRouteTable, request: ParsedRequest, result: ExplainResult): void {
  if (request.scheme === 'https') {
    result.notes.push('https to a port routed as HTTP: the proxy cannot read an encrypted request, so these routes apply only to plain HTTP (shown as if it were)');
  }
  const target = parseRequestTarget(request.target);
  const explanation = explainHttp(table, httpRequestFacts(request.method, request.target, request.headers));
  const http: HttpExplainView = {
    entries: explanation.entries.map((e) => ({
      index: e.index,
      rule: e.rule ? describeRule(e.rule.id) : `(missing rule ${e.entry.rule})`,
      match: describeMatch(e.entry.match),
      matched: e.matched,
      ...(e.failed ? { reason: e.failed.reason } : {}),
    })),
    filters: [],
    backends: [],
  };
  result.http = http;
  if (target.path !== target.rawPath && target.rawPath !== '') {
    result.notes.push(`path ${target.rawPath} is matched as ${target.path} (RFC 3986 normalization)`);
  }

  const winner = explanation.winner;
  if (!winner) {
    result.outcome = 'not-matched';
    result.verdict = '404: no rule matched';
    return;
  }
  const { rule } = winner;
  http.matched = { index: winner.index, rule: describeRule(rule.id), match: describeMatch(winner.entry.match) };

  const state: FilterState = {
    method: request.method,
    scheme: request.scheme,
    host: request.host,
    port: request.port,
    path: target.path,
    target: request.target,
    rawQuery: target.rawQuery,
    headers: [...request.headers],
  };
  http.filters = applyFilters(rule.filters, winner.entry.match, state);
  http.backends = backendViews(ir, rule.backends);
  rule.backends.forEach((b, i) => {
    const view = http.backends[i];
    if (b.kind === 'Service' && view && b.filters.length > 0) {
      // Backend filters act on a copy: each backend sees only its own.
      view.filters = applyFilters(b.filters, winner.entry.match, { ...state, headers: [...state.headers] });
    }
  });
  if (rule.timeouts) {
    http.timeouts = {};
    if (rule.timeouts.requestMs !== undefined) http.timeouts.request = duration(rule.timeouts.requestMs);
    if (rule.timeouts.backendRequestMs !== undefined) http.timeouts.backendRequest = duration(rule.timeouts.backendRequestMs);
  }
  if (rule.retry) {
    http.retry = { attempts: rule.retry.attempts, codes: rule.retry.codes };
    if (rule.retry.backoffMs !== undefined) http.retry.backoff = duration(rule.retry.backoffMs);
  }
  if (rule.sessionPersistence) {
    http.sessionPersistence = `${rule.sessionPersistence.type}${rule.sessionPersistence.sessionName ? ` ${rule.sessionPersistence.sessionName}` : ''}: not enforced by Sidelane yet`;
  }

  const ruleName = describeRule(rule.id);
  if (rule.failure) {
    http.response = { status: rule.failure.status, reason: `${rule.failure.code}: ${rule.failure.message}` };
    result.outcome = 'answered';
    result.verdict = `${rule.failure.status}: ${ruleName} cannot be honoured (${rule.failure.code}: ${rule.failure.message})`;
    return;
  }
  if (state.response) {
    http.response = state.response;
    result.outcome = 'answered';
    result.verdict = state.response.location
      ? `${state.response.status} redirect to ${state.response.location} (${ruleName})`
      : `${state.response.status}: ${state.response.reason} (${ruleName})`;
    return;
  }
  const unusable = noUsableBackend(rule.backends);
  if (unusable) {
    http.response = { status: 500, reason: unusable };
    result.outcome = 'answered';
    result.verdict = `500: ${unusable} (${ruleName})`;
    return;
  }
  http.forwarded = { method: state.method, target: state.target, headers: state.headers.map(([name, value]) => ({ name, value })) };
  result.outcome = 'routed';
  result.verdict = `routed by ${ruleName} to ${describeShare(http.backends)}`;
}

function explainTlsTable(ir: MeshIR, table: TlsRouteTable, request: ParsedRequest, result: ExplainResult): void {
  // A TLS client sends the name it dialed as SNI; plain HTTP carries none.
  const sni = request.scheme === 'https' ? request.host : '';
  if (request.scheme === 'http') result.notes.push('the port is routed as TLS but the request is plain http: there is no SNI, only a rule without hostnames can take it');
  const choice = chooseSni(table, sni);
  const rules = table.rules.map((r, index) => ({ index, rule: describeRule(r.id), sniHosts: r.sniHosts, chosen: choice?.index === index }));
  if (!choice) {
    result.tls = { sni, sentence: `no TLSRoute rule takes SNI ${JSON.stringify(sni)}: the connection is closed`, rules, backends: [] };
    result.outcome = 'not-matched';
    result.verdict = result.tls.sentence;
    return;
  }
  const by =
    choice.by.kind === 'exact'
      ? `its hostname ${choice.by.host}`
      : choice.by.kind === 'wildcard'
        ? `the wildcard ${choice.by.host} (more specific names win first)`
        : 'it has no hostnames (taken when no rule names the SNI)';
  const backends = backendViews(ir, choice.rule.backends);
  const sentence = `SNI ${JSON.stringify(sni)} chose ${describeRule(choice.rule.id)} by ${by}; the TLS bytes are forwarded unopened`;
  result.tls = { sni, sentence, rules, backends };
  finishL4(choice.rule.backends, backends, describeRule(choice.rule.id), result);
}

function explainTcpTable(ir: MeshIR, table: TcpRouteTable, result: ExplainResult): void {
  const ruleName = describeRule(table.rule.id);
  const backends = backendViews(ir, table.rule.backends);
  result.tcp = { rule: ruleName, sentence: `every connection uses ${ruleName} (TCPRoute has no matches)`, backends };
  finishL4(table.rule.backends, backends, ruleName, result);
}

function finishL4(backends: readonly L4BackendIR[], views: readonly BackendView[], ruleName: string, result: ExplainResult): void {
  const unusable = noUsableBackend(backends);
  if (unusable) {
    result.outcome = 'answered';
    result.verdict = `connection closed: ${unusable} (${ruleName})`;
    return;
  }
  result.outcome = 'routed';
  result.verdict = `connection routed by ${ruleName} to ${describeShare(views, 'connection closed')}`;
}

/** The URL as the user meant it: the port shown when written or not the scheme's default. */
function requestUrl(r: ParsedRequest): string {
  const host = r.host.includes(':') ? `[${r.host}]` : r.host;
  const port = r.portGiven || r.port !== (r.scheme === 'https' ? 443 : 80) ? `:${r.port}` : '';
  return `${r.scheme}://${host}${port}${r.target}`;
}

function duration(ms: number): string {
  if (ms === 0) return 'disabled';
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function routeName(r: RouteRef): string {
  return `${r.kind} ${r.namespace}/${r.name}`;
}

function ref(service: ServiceIR): string {
  return `${service.ref.namespace}/${service.ref.name}`;
}
