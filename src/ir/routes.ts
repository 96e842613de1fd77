// Route tables attached to one Service port for one group of clients (producer or one consumer
// namespace). Exactly one route kind wins a port (GEP-1294: GRPCRoute > HTTPRoute > TLSRoute >
// TCPRoute); the table says which.
import type { HttpBackendIR, L4BackendIR } from './backends.js';
import type { HttpFilterIR } from './filters.js';
import type { HttpMatchIR } from './matches.js';
import type { RouteRef, RuleRef } from './refs.js';

export interface TimeoutsIR {
  /** Whole request, including retries; 0 disables. Milliseconds. */
  requestMs?: number;
  /** One attempt to a backend; 0 disables. Milliseconds. */
  backendRequestMs?: number;
}

export interface RetryIR {
  /** Attempts after the first. */
  attempts: number;
  /** HTTP status codes that trigger a retry; connection errors always do. */
  codes: number[];
  backoffMs?: number;
}

export interface SessionPersistenceIR {
  type: 'Cookie' | 'Header';
  sessionName?: string;
  absoluteTimeoutMs?: number;
  /** cookieConfig.lifetimeType: a Permanent cookie carries absoluteTimeout as its Max-Age. */
  cookieLifetime?: 'Permanent' | 'Session';
  /** Sidelane does not enforce session persistence yet: the route's status says so. */
  supported: false;
}

/** Answer every request of a rule with an error instead of forwarding (e.g. unresolved ExtensionRef). */
export interface DirectFailureIR {
  status: number;
  code: string;
  message: string;
}

export interface HttpRuleIR {
  id: RuleRef;
  filters: HttpFilterIR[];
  backends: HttpBackendIR[];
  timeouts?: TimeoutsIR;
  retry?: RetryIR;
  sessionPersistence?: SessionPersistenceIR;
  failure?: DirectFailureIR;
}

export interface HttpMatchEntry {
  /** Index into the table's `rules`. */
  rule: number;
  match: HttpMatchIR;
}

export interface HttpRouteTable {
  kind: 'http';
  /** The route kind that won this port: matching semantics differ (gRPC service/method). */
  routeKind: 'HTTPRoute' | 'GRPCRoute';
  /** Routes merged into this table, oldest first. */
  routes: RouteRef[];
  /** In precedence order: the first entry that matches a request decides its rule. */
  matches: HttpMatchEntry[];
  rules: HttpRuleIR[];
}

export interface TlsRuleIR {
  id: RuleRef;
  /** The SNI name this rule answers (one; a wildcard as `*.example.com`); empty means any. */
  sniHosts: string[];
  backends: L4BackendIR[];
}

export interface TlsRouteTable {
  kind: 'tls';
  routes: RouteRef[];
  /** In precedence order, one SNI name per rule: exact names (longest first), then wildcards
   *  (longest first), then rules without names; ties go to the older route. First match wins. */
  rules: TlsRuleIR[];
}

export interface TcpRuleIR {
  id: RuleRef;
  backends: L4BackendIR[];
}

export interface TcpRouteTable {
  kind: 'tcp';
  routes: RouteRef[];
  /** The one rule connections use (TCP has no matches to choose between rules). */
  rule: TcpRuleIR;
}

export type RouteTable = HttpRouteTable | TlsRouteTable | TcpRouteTable;
