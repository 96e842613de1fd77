// MeshIR.gateways: per GatewayClass of ours, the ports its gateway fleet binds. Programmed
// listeners of the class's accepted Gateways are merged per port (many Gateways share port 80),
// each with the routes it serves behind it, in the same route tables the mesh uses.
import type {
  GatewayClassIR,
  GatewayPortIR,
  HostnamePattern,
  HttpListenerIR,
  ListenerRef,
  TlsListenerIR,
  TcpRouteTable,
  TlsRouteTable,
  UdpRouteTable,
  VirtualHostIR,
} from '../ir/index.js';
import { listenerKey, type GatewayResolution, type ResolvedGateway, type ResolvedListener } from './gateway-model.js';
import type { GatewayAttachment } from './gateway-route-attach.js';
import { ANY_HOST, compareHostPrecedence } from './gateway-route-hostnames.js';
import { compareStrings } from './precedence.js';
import type { TranslatedRoute } from './routeview.js';
import { httpTable, tlsRules, uniqueRoutes } from './tables.js';

type PortKind = GatewayPortIR['kind'];

interface ServedListener {
  gateway: ResolvedGateway;
  listener: ResolvedListener;
  routes: GatewayAttachment[];
}

const KIND_OF_PROTOCOL: Readonly<Record<string, PortKind>> = { HTTP: 'http', HTTPS: 'tls', TLS: 'tls', TCP: 'tcp', UDP: 'udp' };
/** Within one port number, UDP sorts after the TCP-borne kinds (which exclude one another). */
const KIND_ORDER: Readonly<Record<PortKind, number>> = { http: 0, tls: 0, tcp: 0, udp: 1 };

export function buildGatewayClasses(resolution: GatewayResolution, served: ReadonlyMap<string, GatewayAttachment[]>): GatewayClassIR[] {
  return [...resolution.classes]
    .sort((a, b) => compareStrings(a.name, b.name))
    .map((cls) => {
      const gateways = [...resolution.gateways.values()].filter((g) => g.className === cls.name && g.accepted).sort(gatewayAge);
      const listeners: ServedListener[] = gateways.flatMap((gateway) =>
        [...gateway.listeners]
          .sort((a, b) => a.index - b.index)
          .filter((l) => l.programmed)
          .map((listener) => ({ gateway, listener, routes: served.get(listenerKey(listener.ref)) ?? [] })),
      );
      const out: GatewayClassIR = { name: cls.name, ports: buildPorts(listeners) };
      if (cls.udpIdleTimeoutMs !== undefined) out.udpIdleTimeoutMs = cls.udpIdleTimeoutMs;
      return out;
    });
}

/** `listeners` oldest Gateway first: where (defensively) two still claim one slot, the older keeps it. */
function buildPorts(listeners: ServedListener[]): GatewayPortIR[] {
  const buckets = new Map<string, { port: number; kind: PortKind; entries: ServedListener[] }>();
  for (const entry of listeners) {
    const kind = KIND_OF_PROTOCOL[entry.listener.protocol];
    if (!kind) continue;
    const key = `${entry.listener.port}|${kind === 'udp' ? 'UDP' : 'TCP'}`;
    const bucket = buckets.get(key) ?? { port: entry.listener.port, kind, entries: [] };
    buckets.set(key, bucket);
    // Resolution marks incompatible protocols on one port Conflicted; this keeps the IR sane if not.
    if (bucket.kind === kind) bucket.entries.push(entry);
  }
  const ports: GatewayPortIR[] = [];
  for (const { port, kind, entries } of buckets.values()) {
    const [first] = entries;
    if (!first) continue;
    switch (kind) {
      case 'http':
        ports.push({ port, kind, listeners: byHostname(entries).map(httpListener) });
        break;
      case 'tls':
        ports.push({ port, kind, listeners: byHostname(entries).map(tlsListener) });
        break;
      case 'tcp': {
        const table = tcpTable(first.routes);
        ports.push(table ? { port, kind, listener: copyRef(first.listener.ref), table } : { port, kind, listener: copyRef(first.listener.ref) });
        break;
      }
      case 'udp': {
        const table = udpTable(first.routes);
        ports.push(table ? { port, kind, listener: copyRef(first.listener.ref), table } : { port, kind, listener: copyRef(first.listener.ref) });
        break;
      }
    }
  }
  return ports.sort((a, b) => a.port - b.port || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

/** The IR is a plain tree (no shared objects), so serializers need not track aliases. */
function copyRef(ref: ListenerRef): ListenerRef {
  return { gateway: { ...ref.gateway }, name: ref.name };
}

function listenerHostname(l: ResolvedListener): HostnamePattern {
  return l.hostname ?? ANY_HOST;
}

/** One listener per hostname (the first, i.e. oldest, keeps it), in hostname precedence order. */
function byHostname(entries: ServedListener[]): ServedListener[] {
  const seen = new Map<HostnamePattern, ServedListener>();
  for (const e of entries) if (!seen.has(listenerHostname(e.listener))) seen.set(listenerHostname(e.listener), e);
  return [...seen.values()].sort((a, b) => compareHostPrecedence(listenerHostname(a.listener), listenerHostname(b.listener)));
}

function httpListener(entry: ServedListener): HttpListenerIR {
  return { listener: copyRef(entry.listener.ref), hostname: listenerHostname(entry.listener), hosts: virtualHosts(entry.routes) };
}

function tlsListener(entry: ServedListener): TlsListenerIR {
  const { listener } = entry;
  const base = { listener: copyRef(listener.ref), hostname: listenerHostname(listener) };
  if (listener.protocol === 'HTTPS') {
    // HTTPS is always terminated here (the spec has no HTTPS passthrough); HTTP/2 is offered by ALPN.
    return { ...base, mode: 'Terminate', certificates: structuredClone(listener.certificates), http: virtualHosts(entry.routes), alpn: ['h2', 'http/1.1'] };
  }
  const mode = listener.tlsMode ?? 'Terminate';
  const out: TlsListenerIR = { ...base, mode, certificates: mode === 'Terminate' ? structuredClone(listener.certificates) : [], alpn: [] };
  const table = tlsTable(entry.routes);
  if (table) out.tls = table;
  return out;
}

/** Routes grouped by effective hostname; each host's routes merged by the usual match precedence. */
function virtualHosts(attachments: GatewayAttachment[]): VirtualHostIR[] {
  const byHost = new Map<HostnamePattern, TranslatedRoute[]>();
  for (const a of attachments) {
    for (const host of a.hostnames) byHost.set(host, [...(byHost.get(host) ?? []), a.route]);
  }
  const hosts: VirtualHostIR[] = [];
  for (const hostname of [...byHost.keys()].sort(compareHostPrecedence)) {
    const routes = uniqueRoutes(byHost.get(hostname) ?? []);
    const kind = routes[0]?.kind;
    // One kind per host: attachment already refused the newer kind where both met (GEP-1016).
    if (kind !== 'HTTPRoute' && kind !== 'GRPCRoute') continue;
    hosts.push({ hostname, table: httpTable(kind, routes.filter((r) => r.kind === kind)) });
  }
  return hosts;
}

/** TLSRoute rules answer the route's effective hostnames on this listener as SNI names. */
function tlsTable(attachments: GatewayAttachment[]): TlsRouteTable | undefined {
  const routes: TranslatedRoute[] = [];
  for (const a of attachments) {
    if (a.route.family !== 'tls') continue;
    const sniHosts = a.hostnames.filter((h) => h !== ANY_HOST);
    routes.push({ ...a.route, rules: a.route.rules.map((rule) => ({ ...rule, sniHosts })) });
  }
  if (routes.length === 0) return undefined;
  return { kind: 'tls', routes: routes.map((r) => ({ ...r.view.ref })), rules: tlsRules(routes) };
}

/** A TCP or UDP listener forwards to one route: attachment left at most one (the oldest). */
function tcpTable(attachments: GatewayAttachment[]): TcpRouteTable | undefined {
  const route = attachments[0]?.route;
  const rule = route?.family === 'tcp' ? route.rules[0] : undefined;
  return route && rule ? { kind: 'tcp', routes: [{ ...route.view.ref }], rule: structuredClone(rule) } : undefined;
}

function udpTable(attachments: GatewayAttachment[]): UdpRouteTable | undefined {
  const route = attachments[0]?.route;
  const rule = route?.family === 'udp' ? route.rules[0] : undefined;
  return route && rule ? { kind: 'udp', routes: [{ ...route.view.ref }], rule: structuredClone(rule) } : undefined;
}

function gatewayAge(a: ResolvedGateway, b: ResolvedGateway): number {
  return compareStrings(a.createdAt, b.createdAt) || compareStrings(a.ref.namespace, b.ref.namespace) || compareStrings(a.ref.name, b.ref.name);
}
