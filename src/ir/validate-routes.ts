// The route-table half of `validate()`: rules, match entries and what they point at, filters,
// backends. Rule and match order is precedence, so it is checked for consistency, never sorted.
import type { HttpBackendIR, L4BackendIR } from './backends.js';
import type { FractionIR, HttpFilterIR, PathModifierIR } from './filters.js';
import type { HttpMatchIR } from './matches.js';
import { compareByName } from './order.js';
import { routeKey, serviceKey, type RouteRef, type RuleRef, type ServiceRef } from './refs.js';
import type { HttpRouteTable, HttpRuleIR, RouteTable } from './routes.js';
import {
  checkHeaderName,
  checkPort,
  checkRef,
  checkRegex,
  checkSorted,
  isNonNegativeInteger,
  type ProblemCollector,
} from './validate-support.js';

/** The ports of one Service, as backends (by number) and endpoints (number and transport) name them. */
export interface ServicePorts {
  numbers: Set<number>;
  /** `port/transport`, e.g. `53/UDP`. */
  withTransport: Set<string>;
}

export interface RouteCheckContext {
  problems: ProblemCollector;
  /** Service key → its ports; null when they are malformed (then not judged again). */
  servicePorts: ReadonlyMap<string, ServicePorts | null>;
}

/** Gateway API's upper bound for a backendRef weight. */
const MAX_WEIGHT = 1_000_000;
const REDIRECT_STATUSES: ReadonlySet<unknown> = new Set([301, 302, 303, 307, 308]);

export function checkTable(table: RouteTable, path: string, context: RouteCheckContext): void {
  context.problems.guard(path, () => {
    const kind: unknown = table.kind;
    switch (table.kind) {
      case 'http':
        checkHttpTable(table, path, context);
        return;
      case 'tls':
        checkRoutes(table.routes, 'TLSRoute', path, context);
        context.problems.list(table.rules, `${path}.rules`).forEach((rule, index) => {
          const rulePath = `${path}.rules[${index}]`;
          checkRuleId(rule.id, table.routes, rulePath, context);
          checkL4Backends(rule.backends, rulePath, context);
        });
        return;
      case 'tcp':
        checkRoutes(table.routes, 'TCPRoute', path, context);
        checkRuleId(table.rule.id, table.routes, `${path}.rule`, context);
        checkL4Backends(table.rule.backends, `${path}.rule`, context);
        return;
      default:
        context.problems.report(`${path}.kind`, 'IR_MALFORMED', `unknown table kind ${JSON.stringify(kind)}`);
    }
  });
}

export function checkRoutes(routes: readonly RouteRef[], kind: string, path: string, context: RouteCheckContext): void {
  context.problems.list(routes, `${path}.routes`).forEach((route, index) => {
    const routePath = `${path}.routes[${index}]`;
    checkRef(context.problems, route, routePath);
    if (route.kind !== kind) {
      context.problems.report(
        `${routePath}.kind`,
        'IR_ROUTE_KIND_MISMATCH',
        `a table won by ${kind} lists ${routeKey(route)}`,
      );
    }
  });
}

export function checkRuleId(id: RuleRef, routes: readonly RouteRef[], path: string, context: RouteCheckContext): void {
  const listed = routes.some((route) => routeKey(route) === routeKey(id.route));
  if (!listed) {
    context.problems.report(
      `${path}.id`,
      'IR_RULE_FROM_UNLISTED_ROUTE',
      `rule of ${routeKey(id.route)}, which the table's routes do not list`,
    );
  }
}

function checkHttpTable(table: HttpRouteTable, path: string, context: RouteCheckContext): void {
  const { problems } = context;
  const routeKind: unknown = table.routeKind;
  if (routeKind !== 'HTTPRoute' && routeKind !== 'GRPCRoute') {
    problems.report(`${path}.routeKind`, 'IR_ROUTE_KIND_MISMATCH', `${JSON.stringify(routeKind)} cannot win an HTTP table`);
  }
  checkRoutes(table.routes, table.routeKind, path, context);
  const rules = problems.list(table.rules, `${path}.rules`);
  const matches = problems.list(table.matches, `${path}.matches`);

  // For ReplacePrefixMatch: the first match entry leading to each rule that is not a PathPrefix.
  const nonPrefixMatch = new Map<number, number>();
  matches.forEach((entry, index) => {
    const entryPath = `${path}.matches[${index}]`;
    problems.guard(entryPath, () => {
      const { rule } = entry;
      if (!isNonNegativeInteger(rule) || rule >= rules.length) {
        problems.report(
          `${entryPath}.rule`,
          'IR_MATCH_RULE_OUT_OF_RANGE',
          `rule ${String(rule)} is not an index into the table's ${rules.length} rules`,
        );
      } else if (!isPrefixCompatible(entry.match) && !nonPrefixMatch.has(rule)) {
        nonPrefixMatch.set(rule, index);
      }
      checkMatch(entry.match, `${entryPath}.match`, table.routeKind, context);
    });
  });

  rules.forEach((rule, index) => {
    const rulePath = `${path}.rules[${index}]`;
    problems.guard(rulePath, () => {
      checkRuleId(rule.id, table.routes, rulePath, context);
      const nonPrefix = nonPrefixMatch.get(index);
      const prefixProblem =
        nonPrefix === undefined
          ? undefined
          : `ReplacePrefixMatch needs every match of the rule to be a PathPrefix; ${path}.matches[${nonPrefix}] is not`;
      checkHttpRule(rule, rulePath, prefixProblem, context);
    });
  });
}

/** No path in a match means any path, i.e. PathPrefix "/" (the API server's default). */
function isPrefixCompatible(match: HttpMatchIR): boolean {
  return match.path === undefined || match.path.type === 'PathPrefix';
}

function checkMatch(match: HttpMatchIR, path: string, routeKind: string, context: RouteCheckContext): void {
  const { problems } = context;
  if (match.path !== undefined) {
    if (match.path.type === 'RegularExpression') checkRegex(problems, match.path.value, `${path}.path.value`);
    else if (!match.path.value.startsWith('/')) {
      problems.report(`${path}.path.value`, 'IR_INVALID_PATH', `${match.path.type} path must start with "/"`);
    }
  }
  const headers = problems.list(match.headers, `${path}.headers`);
  checkSorted(problems, headers, `${path}.headers`, compareByName, 'IR_UNSORTED_MATCH_HEADERS');
  headers.forEach((header, index) => {
    checkHeaderName(problems, header.name, `${path}.headers[${index}].name`);
    if (header.type === 'RegularExpression') checkRegex(problems, header.value, `${path}.headers[${index}].value`);
  });
  const queryParams = problems.list(match.queryParams, `${path}.queryParams`);
  checkSorted(problems, queryParams, `${path}.queryParams`, compareByName, 'IR_UNSORTED_MATCH_QUERY_PARAMS');
  queryParams.forEach((param, index) => {
    if (param.type === 'RegularExpression') checkRegex(problems, param.value, `${path}.queryParams[${index}].value`);
  });
  if (match.grpc !== undefined) {
    if (routeKind !== 'GRPCRoute') {
      problems.report(`${path}.grpc`, 'IR_GRPC_MATCH_OUTSIDE_GRPC_ROUTE', `a ${routeKind} table cannot match gRPC methods`);
    }
    for (const part of ['service', 'method'] as const) {
      const stringMatch = match.grpc[part];
      if (stringMatch?.type === 'RegularExpression') checkRegex(problems, stringMatch.value, `${path}.grpc.${part}.value`);
    }
  }
}

function checkHttpRule(
  rule: HttpRuleIR,
  path: string,
  prefixProblem: string | undefined,
  context: RouteCheckContext,
): void {
  const { problems } = context;
  problems.list(rule.filters, `${path}.filters`).forEach((filter, index) => {
    checkFilter(filter, `${path}.filters[${index}]`, prefixProblem, context);
  });
  problems.list(rule.backends, `${path}.backends`).forEach((backend, index) => {
    const backendPath = `${path}.backends[${index}]`;
    checkBackend(backend, backendPath, context);
    if (backend.kind === 'Service') {
      problems.list(backend.filters, `${backendPath}.filters`).forEach((filter, filterIndex) => {
        checkFilter(filter, `${backendPath}.filters[${filterIndex}]`, prefixProblem, context);
      });
    }
  });
  if (rule.timeouts !== undefined) {
    const { requestMs, backendRequestMs } = rule.timeouts;
    for (const [name, value] of [['requestMs', requestMs], ['backendRequestMs', backendRequestMs]] as const) {
      if (value !== undefined && !isNonNegativeInteger(value)) {
        problems.report(`${path}.timeouts.${name}`, 'IR_INVALID_TIMEOUT', `${value} is not a whole number of milliseconds ≥ 0`);
      }
    }
    // 0 disables a timeout; otherwise one attempt cannot be allowed longer than the whole request.
    if (requestMs !== undefined && backendRequestMs !== undefined && requestMs > 0 && backendRequestMs > requestMs) {
      problems.report(
        `${path}.timeouts.backendRequestMs`,
        'IR_INVALID_TIMEOUT',
        `backend request timeout ${backendRequestMs}ms exceeds the request timeout ${requestMs}ms`,
      );
    }
  }
  if (rule.retry !== undefined) {
    const { attempts, codes, backoffMs } = rule.retry;
    if (!isNonNegativeInteger(attempts)) {
      problems.report(`${path}.retry.attempts`, 'IR_INVALID_RETRY', `${attempts} is not a whole number ≥ 0`);
    }
    if (backoffMs !== undefined && !isNonNegativeInteger(backoffMs)) {
      problems.report(`${path}.retry.backoffMs`, 'IR_INVALID_RETRY', `${backoffMs} is not a whole number of milliseconds ≥ 0`);
    }
    problems.list(codes, `${path}.retry.codes`).forEach((code, index) => {
      if (!Number.isInteger(code) || code < 400 || code > 599) {
        problems.report(`${path}.retry.codes[${index}]`, 'IR_INVALID_RETRY', `${code} is not an HTTP status in 400..599`);
      }
    });
  }
  if (rule.failure !== undefined) {
    const { status } = rule.failure;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      problems.report(`${path}.failure.status`, 'IR_INVALID_FAILURE_STATUS', `${status} is not an HTTP status`);
    }
  }
}

function checkFilter(
  filter: HttpFilterIR,
  path: string,
  prefixProblem: string | undefined,
  context: RouteCheckContext,
): void {
  const { problems } = context;
  switch (filter.type) {
    case 'RequestHeaderModifier':
    case 'ResponseHeaderModifier':
      for (const list of ['set', 'add'] as const) {
        problems.list(filter[list], `${path}.${list}`).forEach((header, index) => {
          checkHeaderName(problems, header.name, `${path}.${list}[${index}].name`);
        });
      }
      problems.list(filter.remove, `${path}.remove`).forEach((name, index) => {
        checkHeaderName(problems, name, `${path}.remove[${index}]`);
      });
      return;
    case 'RequestRedirect': {
      const status: unknown = filter.statusCode;
      if (!REDIRECT_STATUSES.has(status)) {
        problems.report(`${path}.statusCode`, 'IR_INVALID_REDIRECT_STATUS', `${String(status)} is not 301, 302, 303, 307 or 308`);
      }
      if (filter.port !== undefined) checkPort(problems, filter.port, `${path}.port`);
      checkPathModifier(filter.path, `${path}.path`, prefixProblem, context);
      return;
    }
    case 'URLRewrite':
      checkPathModifier(filter.path, `${path}.path`, prefixProblem, context);
      return;
    case 'RequestMirror':
      checkServicePort(filter.target.service, filter.target.port, `${path}.target`, context);
      checkFraction(filter.fraction, `${path}.fraction`, context);
      return;
    case 'CORS':
      return;
    default: {
      const type: unknown = (filter as { type: unknown }).type;
      problems.report(`${path}.type`, 'IR_MALFORMED', `unknown filter type ${JSON.stringify(type)}`);
    }
  }
}

function checkPathModifier(
  modifier: PathModifierIR | undefined,
  path: string,
  prefixProblem: string | undefined,
  context: RouteCheckContext,
): void {
  if (modifier?.type === 'ReplacePrefixMatch' && prefixProblem !== undefined) {
    context.problems.report(path, 'IR_REPLACE_PREFIX_WITHOUT_PATH_PREFIX', prefixProblem);
  }
}

function checkFraction(fraction: FractionIR, path: string, context: RouteCheckContext): void {
  const { numerator, denominator } = fraction;
  const valid =
    Number.isInteger(denominator) && denominator > 0 && isNonNegativeInteger(numerator) && numerator <= denominator;
  if (!valid) {
    context.problems.report(
      path,
      'IR_INVALID_FRACTION',
      `${numerator}/${denominator}: the denominator must be > 0 and the numerator in 0..denominator`,
    );
  }
}

function checkBackend(backend: HttpBackendIR | L4BackendIR, path: string, context: RouteCheckContext): void {
  const { weight } = backend;
  if (!isNonNegativeInteger(weight) || weight > MAX_WEIGHT) {
    context.problems.report(`${path}.weight`, 'IR_INVALID_WEIGHT', `${String(weight)} is not an integer in 0..${MAX_WEIGHT}`);
  }
  if (backend.kind === 'Service') checkServicePort(backend.service, backend.port, path, context);
}

export function checkL4Backends(backends: readonly L4BackendIR[], path: string, context: RouteCheckContext): void {
  context.problems.list(backends, `${path}.backends`).forEach((backend, index) => {
    checkBackend(backend, `${path}.backends[${index}]`, context);
  });
}

/** A backend or mirror target: the Service must be in the IR and have that port. */
function checkServicePort(service: ServiceRef, port: number, path: string, context: RouteCheckContext): void {
  const { problems } = context;
  checkRef(problems, service, `${path}.service`);
  checkPort(problems, port, `${path}.port`);
  const ports = context.servicePorts.get(serviceKey(service));
  if (!context.servicePorts.has(serviceKey(service))) {
    problems.report(`${path}.service`, 'IR_UNKNOWN_SERVICE', `service ${serviceKey(service)} is not in services`);
  } else if (ports && !ports.numbers.has(port)) {
    problems.report(`${path}.port`, 'IR_UNKNOWN_SERVICE_PORT', `service ${serviceKey(service)} has no port ${port}`);
  }
}
