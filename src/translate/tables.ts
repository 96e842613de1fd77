// Route tables per (Service port, client group). Routes of one kind merge by the spec's
// precedence; when kinds differ on a port, GEP-1294's order picks one and the others lose
// (Accepted=False, Conflicted). A TCP port can only follow one TCPRoute: the oldest.
import type {
  HttpMatchEntry,
  HttpRouteTable,
  HttpRuleIR,
  RouteRef,
  RouteTable,
  TlsRuleIR,
  ServiceIR,
  ServicePortIR,
} from '../ir/index.js';
import { serviceKey } from '../ir/index.js';
import type { ClientGroup } from './parents.js';
import { compareGrpcMatches, compareHttpMatches, compareOrigin, type RankedMatch } from './precedence.js';
import { ROUTE_KIND_PRECEDENCE } from './protocol.js';
import type { TranslatedRoute } from './routeview.js';

/** One route bound (through one of its parentRefs) to one Service port for one client group. */
export interface Attachment {
  route: TranslatedRoute;
  parentIndex: number;
  service: ServiceIR;
  port: ServicePortIR;
  group: ClientGroup;
}

/** Why an attachment did not make it into its table. */
export interface Loss {
  route: TranslatedRoute;
  parentIndex: number;
  port: number;
  message: string;
}

export interface BuiltTable {
  service: ServiceIR;
  port: ServicePortIR;
  group: ClientGroup;
  table: RouteTable;
}

export function buildTables(attachments: Attachment[]): { tables: BuiltTable[]; losses: Loss[] } {
  const buckets = new Map<string, Attachment[]>();
  for (const a of attachments) {
    const groupKey = a.group.kind === 'producer' ? 'producer' : `consumer:${a.group.namespace}`;
    const key = `${serviceKey(a.service.ref)}|${a.port.port}|${a.port.transport}|${groupKey}`;
    buckets.set(key, [...(buckets.get(key) ?? []), a]);
  }
  const tables: BuiltTable[] = [];
  const losses: Loss[] = [];
  for (const bucket of buckets.values()) {
    const first = bucket[0];
    if (!first) continue;
    const winner = ROUTE_KIND_PRECEDENCE.find((k) => bucket.some((a) => a.route.kind === k));
    if (!winner) continue;
    const who = first.group.kind === 'producer' ? 'producer routes' : `consumer routes of namespace ${first.group.namespace}`;
    for (const a of bucket) {
      if (a.route.kind !== winner) {
        losses.push({
          route: a.route,
          parentIndex: a.parentIndex,
          port: a.port.port,
          message: `port ${a.port.port} of Service ${serviceKey(a.service.ref)} is taken by a ${winner} among the ${who}, and ${winner} wins over ${a.route.kind} (GEP-1294)`,
        });
      }
    }
    const routes = uniqueRoutes(bucket.filter((a) => a.route.kind === winner).map((a) => a.route));
    let table: RouteTable | undefined;
    switch (winner) {
      case 'HTTPRoute':
      case 'GRPCRoute':
        table = httpTable(winner, routes);
        break;
      case 'TLSRoute':
        table = { kind: 'tls', routes: routes.map((r) => ({ ...r.view.ref })), rules: tlsRules(routes) };
        break;
      case 'TCPRoute': {
        const [oldest, ...rest] = routes;
        for (const r of rest) {
          const a = bucket.find((x) => x.route === r);
          losses.push({
            route: r,
            parentIndex: a?.parentIndex ?? 0,
            port: first.port.port,
            message: `port ${first.port.port} of Service ${serviceKey(first.service.ref)} already follows the older TCPRoute ${refText(oldest?.view.ref)}; a TCP port can follow one TCPRoute`,
          });
        }
        const rule = oldest?.family === 'tcp' ? oldest.rules[0] : undefined;
        if (oldest && rule) table = { kind: 'tcp', routes: [{ ...oldest.view.ref }], rule: structuredClone(rule) };
        break;
      }
    }
    if (table) tables.push({ service: first.service, port: first.port, group: first.group, table });
  }
  return { tables, losses };
}

/**
 * TLS rules split to one SNI name each and put in precedence order, so the proxy takes the first
 * rule that matches: exact names (longest first), then wildcards (longest first), then rules
 * without names; on a tie, the older route. The spec ranks by "characters in a matching
 * non-wildcard hostname", then "characters in a matching hostname".
 */
export function tlsRules(routes: TranslatedRoute[]): TlsRuleIR[] {
  const ranked: { rule: TlsRuleIR; host: string | undefined; age: number }[] = [];
  routes.forEach((route, age) => {
    if (route.family !== 'tls') return;
    for (const rule of route.rules) {
      if (rule.sniHosts.length === 0) ranked.push({ rule: structuredClone(rule), host: undefined, age });
      for (const host of rule.sniHosts) ranked.push({ rule: { ...structuredClone(rule), sniHosts: [host] }, host, age });
    }
  });
  const rank = (host: string | undefined): number => (host === undefined ? 2 : host.startsWith('*.') ? 1 : 0);
  ranked.sort((a, b) => rank(a.host) - rank(b.host) || (b.host?.length ?? 0) - (a.host?.length ?? 0) || a.age - b.age);
  return ranked.map((r) => r.rule);
}

function refText(ref: RouteRef | undefined): string {
  return ref ? `${ref.namespace}/${ref.name}` : '?';
}

/** Oldest route first (creationTimestamp, then namespace/name). */
export function byAge(a: TranslatedRoute, b: TranslatedRoute): number {
  const origin = (r: TranslatedRoute): Parameters<typeof compareOrigin>[0] => ({
    createdAt: r.view.createdAt,
    namespace: r.view.ref.namespace,
    name: r.view.ref.name,
    ruleIndex: 0,
    matchIndex: 0,
  });
  return compareOrigin(origin(a), origin(b));
}

export function uniqueRoutes(routes: TranslatedRoute[]): TranslatedRoute[] {
  return [...new Set(routes)].sort(byAge);
}

export function httpTable(kind: 'HTTPRoute' | 'GRPCRoute', routes: TranslatedRoute[]): HttpRouteTable {
  // Rules are listed oldest route first; match entries point into that list. A route bound to
  // several ports or groups appears in several tables: each table gets its own copies, so the IR
  // is a plain tree (serializers need not track shared objects, and a consumer may mutate one).
  const rules: HttpRuleIR[] = [];
  const ranked: (RankedMatch & { rule: number })[] = [];
  for (const route of routes) {
    if (route.family !== 'http') continue;
    for (const { rule, matches } of route.rules) {
      const ruleIndex = rules.push(structuredClone(rule)) - 1;
      matches.forEach((match, matchIndex) => {
        ranked.push({
          match: structuredClone(match),
          rule: ruleIndex,
          createdAt: route.view.createdAt,
          namespace: route.view.ref.namespace,
          name: route.view.ref.name,
          ruleIndex: rule.id.index,
          matchIndex,
        });
      });
    }
  }
  ranked.sort(kind === 'GRPCRoute' ? compareGrpcMatches : compareHttpMatches);
  const matches: HttpMatchEntry[] = ranked.map((r) => ({ rule: r.rule, match: r.match }));
  return { kind: 'http', routeKind: kind, routes: routes.map((r) => ({ ...r.view.ref })), matches, rules };
}

/** Puts each table on its Service port: the producer slot or a consumer namespace's slot. */
export function attachTables(services: ServiceIR[], tables: BuiltTable[]): ServiceIR[] {
  const byPort = new Map<string, BuiltTable[]>();
  for (const t of tables) {
    const key = `${serviceKey(t.service.ref)}|${t.port.port}|${t.port.transport}`;
    byPort.set(key, [...(byPort.get(key) ?? []), t]);
  }
  return services.map((svc) => ({
    ...svc,
    ports: svc.ports.map((port) => {
      const own = byPort.get(`${serviceKey(svc.ref)}|${port.port}|${port.transport}`) ?? [];
      const out: ServicePortIR = { ...port, consumers: [] };
      for (const t of own) {
        if (t.group.kind === 'producer') out.producer = t.table;
        else out.consumers.push({ namespace: t.group.namespace, table: t.table });
      }
      out.consumers.sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
      return out;
    }),
  }));
}

