// The gateway's index over one applied GatewayClassIR: per listener port what it serves, which
// listener a Host or SNI names (hostname precedence), and which virtual host's route table takes a
// request. Built once per config version; the per-connection and per-request lookups are pure.
import type {
  GatewayClassIR,
  GatewayPortIR,
  HostnamePattern,
  HttpListenerIR,
  HttpRouteTable,
  ListenerRef,
  TlsListenerIR,
  VirtualHostIR,
} from '../../src/ir/index.js';
import { routeKey } from '../../src/ir/index.js';
import { splitAuthority } from '../config/mesh-view.js';
import type { GatewayEntry } from '../listen/connection.js';
import { matchHttp, type HttpMatchResult, type PreparedRequest } from '../route/match.js';
import { listenerLabel } from './l4-forward.js';

export type PortTransport = 'TCP' | 'UDP';

/** What a gateway request is routed to, or why it is not. */
export type GatewayRouteDecision =
  | {
      kind: 'matched';
      match: HttpMatchResult;
      table: HttpRouteTable;
      /** `ns/gateway/listener`, for error messages. */
      listener: string;
    }
  | { kind: 'no-route'; routes: string; message: string }
  | { kind: 'misdirected'; message: string };

export class GatewayView {
  readonly gatewayClass: GatewayClassIR | undefined;
  readonly version: string;
  readonly #ports = new Map<string, GatewayPortIR>();

  /** `gatewayClass` undefined: the class has no listeners (yet), so no port is served. */
  constructor(gatewayClass: GatewayClassIR | undefined, version: string) {
    this.gatewayClass = gatewayClass;
    this.version = version;
    for (const port of gatewayClass?.ports ?? []) this.#ports.set(portKey(port.port, port.kind === 'udp' ? 'UDP' : 'TCP'), port);
  }

  /** Every port of the class, in IR order. */
  get ports(): readonly GatewayPortIR[] {
    return this.gatewayClass?.ports ?? [];
  }

  port(port: number, transport: PortTransport): GatewayPortIR | undefined {
    return this.#ports.get(portKey(port, transport));
  }

  /** The listener of a TLS port for a ClientHello's SNI ('' when none was sent: only a `*` listener takes it). */
  tlsListener(port: number, sni: string): TlsListenerIR | undefined {
    const entry = this.port(port, 'TCP');
    return entry?.kind === 'tls' ? mostSpecific(entry.listeners, normalizeHost(sni)) : undefined;
  }

  /** The listener of an HTTP port for a request's Host ('' when absent: only a `*` listener takes it). */
  httpListener(port: number, host: string): HttpListenerIR | undefined {
    const entry = this.port(port, 'TCP');
    return entry?.kind === 'http' ? mostSpecific(entry.listeners, host) : undefined;
  }

  /**
   * The rule for a request that came in through `entry`. On a TLS port the SNI's listener routes
   * it, unless the Host names another listener of the port (421: that listener has its own
   * certificate and routes). Then the listener's hosts in order: the first whose pattern covers
   * the Host and whose table has a matching rule.
   */
  routeRequest(entry: GatewayEntry, authority: string, request: PreparedRequest): GatewayRouteDecision {
    const host = hostOfAuthority(authority);
    let listener: { listener: ListenerRef; hosts: readonly VirtualHostIR[] } | undefined;
    if (entry.listener !== undefined) {
      const chosen = this.#tlsListenerNamed(entry.port, entry.listener);
      if (!chosen?.http) {
        return { kind: 'misdirected', message: `the listener that accepted this connection (${entry.listener}) no longer serves HTTP on port ${entry.port}` };
      }
      const named = host === '' ? undefined : this.tlsListener(entry.port, host);
      if (named && named.hostname !== chosen.hostname) {
        return {
          kind: 'misdirected',
          message: `Host ${host} is served by listener ${listenerLabel(named.listener)}, not by ${listenerLabel(chosen.listener)} that the SNI chose`,
        };
      }
      listener = { listener: chosen.listener, hosts: chosen.http };
    } else {
      const chosen = this.httpListener(entry.port, host);
      if (chosen) listener = { listener: chosen.listener, hosts: chosen.hosts };
    }
    if (!listener) return { kind: 'no-route', routes: '', message: `no listener of port ${entry.port} serves Host ${JSON.stringify(host)}` };
    const routes = new Set<string>();
    for (const vhost of listener.hosts) {
      if (!coversHost(vhost.hostname, host)) continue;
      for (const ref of vhost.table.routes) routes.add(routeKey(ref));
      const match = matchHttp(vhost.table, request);
      if (match) return { kind: 'matched', match, table: vhost.table, listener: listenerLabel(listener.listener) };
    }
    const label = listenerLabel(listener.listener);
    const message =
      routes.size === 0 ? `no route of listener ${label} serves Host ${JSON.stringify(host)}` : `no rule of listener ${label} matches ${request.method} ${request.path}`;
    return { kind: 'no-route', routes: [...routes].join(','), message };
  }

  #tlsListenerNamed(port: number, hostname: HostnamePattern): TlsListenerIR | undefined {
    const entry = this.port(port, 'TCP');
    return entry?.kind === 'tls' ? entry.listeners.find((l) => l.hostname === hostname) : undefined;
  }
}

/**
 * Whether a hostname pattern covers a (normalized) host: `*` any, `*.example.com` one or more labels
 * in front of example.com (not example.com itself), otherwise the same name. An empty host (none
 * was sent) is covered by `*` only.
 */
export function coversHost(pattern: HostnamePattern, host: string): boolean {
  if (pattern === '*') return true;
  if (host === '') return false;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return host.length > suffix.length && host.endsWith(suffix);
  }
  return pattern === host;
}

/** Lower case without a trailing dot: how hostnames compare. */
export function normalizeHost(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** The host of a Host / :authority value, normalized, without its port; '' when absent or malformed. */
export function hostOfAuthority(authority: string): string {
  if (authority === '') return '';
  const split = splitAuthority(authority);
  return split ? normalizeHost(split.host) : '';
}

/**
 * The most specific listener covering `host`: the first, since validate() holds listeners in
 * precedence order (exact names longest first, wildcards longest first, then `*`).
 */
function mostSpecific<T extends { hostname: HostnamePattern }>(listeners: readonly T[], host: string): T | undefined {
  return listeners.find((l) => coversHost(l.hostname, host));
}

function portKey(port: number, transport: PortTransport): string {
  return `${transport}/${port}`;
}
