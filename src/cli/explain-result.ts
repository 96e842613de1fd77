// The structured answer of `sidelane explain`: plain data (no Maps, no functions), so `-o yaml`
// and `-o json` print it as is and tests compare it directly. The text output is a rendering of it.

export type ExplainOutcome =
  /** No Service has that name or address: the mesh passes the request through untouched. */
  | 'no-service'
  /** A Service without a frontend (headless, ExternalName): routes cannot apply. */
  | 'no-frontend'
  /** The Service has no such port. */
  | 'no-port'
  /** The port has no route table for this client: plain Kubernetes load balancing. */
  | 'no-route'
  | 'routed'
  /** Answered by the proxy itself: redirect, 500 for an invalid backend, a rule's direct failure. */
  | 'answered'
  /** 404: no rule matched (HTTP), or no TLS rule for the SNI. */
  | 'not-matched';

export interface ExplainResult {
  request: {
    method: string;
    url: string;
    headers: { name: string; value: string }[];
    from: string;
  };
  outcome: ExplainOutcome;
  /** One line: what happens to the request. */
  verdict: string;
  service?: {
    namespace: string;
    name: string;
    type: string;
    clusterIPs: string[];
    resolvedAs: string;
    how: string;
  };
  port?: { port: number; name: string; protocol: string; protocolSource: string };
  routes?: {
    group: 'consumer' | 'producer' | 'none';
    why: string;
    tableKind?: 'http' | 'tls' | 'tcp';
    /** HTTPRoute or GRPCRoute for http tables. */
    routeKind?: string;
    /** The routes merged into the table, as `Kind namespace/name`. */
    merged: string[];
  };
  http?: HttpExplainView;
  tls?: TlsExplainView;
  tcp?: { rule: string; sentence: string; backends: BackendView[] };
  /** Endpoints of the Service port when no route applies. */
  endpoints?: EndpointView[];
  notes: string[];
}

export interface HttpExplainView {
  /** Every entry of the table in precedence order, with why it did (not) match. */
  entries: { index: number; rule: string; match: string; matched: boolean; reason?: string }[];
  matched?: { index: number; rule: string; match: string };
  /** The rule's filters in order, each with its effect on this request. */
  filters: FilterEffectView[];
  /** Set when the proxy answers instead of (or for a share of requests, besides) forwarding. */
  response?: { status: number; location?: string; reason: string };
  /** The request as a backend would receive it, after the rule's filters. */
  forwarded?: { method: string; target: string; headers: { name: string; value: string }[] };
  backends: BackendView[];
  timeouts?: { request?: string; backendRequest?: string };
  retry?: { attempts: number; codes: number[]; backoff?: string };
  sessionPersistence?: string;
}

export interface FilterEffectView {
  type: string;
  effect: string;
}

export interface BackendView {
  kind: 'Service' | 'Invalid';
  /** `namespace/name:port` for Service backends. */
  target?: string;
  weight: number;
  /** Share of requests, 0–100, two decimals. */
  percent: number;
  /** For Invalid backends, why: HTTP answers their share 500, TLS/TCP close the connection. */
  invalid?: string;
  filters?: FilterEffectView[];
  endpoints?: EndpointView[];
}

export interface EndpointView {
  address: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  zone?: string;
  pod?: string;
}

export interface TlsExplainView {
  sni: string;
  sentence: string;
  rules: { index: number; rule: string; sniHosts: string[]; chosen: boolean }[];
  backends: BackendView[];
}
