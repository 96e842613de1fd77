// The HTTPRoute CORS filter (GEP-1767; HTTPCORSFilter in gateway-api apis/v1/httproute_types.go):
// from a rule's CorsIR and the request's CORS headers, decide whether this is a preflight the proxy
// answers itself and which headers go on the response. Pure; patterns are compiled once per CorsIR.
//
// Spec points followed, and the choices it leaves open:
// - An origin is `<scheme>://<host>(:<port>)`; without a port, 80 is assumed for http and 443 for
//   https, so `https://a.com` and `https://a.com:443` are the same origin.
// - `*` in a host pattern is a greedy match to the left over any number of DNS labels:
//   `https://*.bar.com` matches `https://www.bar.com` and `https://a.www.bar.com` (the conformance
//   test HTTPRouteCORS checks both), not `https://bar.com`. An origin of `*` alone allows every
//   origin. An empty allowOrigins allows none.
// - A matching origin is echoed in Access-Control-Allow-Origin. With allowCredentials the spec
//   requires echoing instead of `*`; without, it allows either, and Sidelane echoes always (as
//   Envoy does): one rule, valid in both cases, and `Vary: Origin` keeps caches honest.
// - `*` in allowMethods / allowHeaders is answered the same way, by echoing the preflight's
//   Access-Control-Request-Method / -Headers (omitted when the request has none), which the spec
//   requires with credentials and allows without. allowMethods is sent as written: the
//   CORS-safelisted methods (GET, HEAD, POST) are allowed by browsers anyway.
// - `*` in exposeHeaders is sent as is without credentials; with credentials a literal `*` would
//   name a header called "*", so it is dropped and only the named headers are exposed.
// - A preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered by the proxy
//   with 200 (HTTPRouteCORS accepts only 200 in some cases), with the CORS headers when the origin
//   is allowed and without them when it is not (the spec's alternative, 403, is not used). Whether
//   the requested method and headers are allowed is left to the browser, as the spec describes.
// - Vary: every answer of a CORS-filtered rule depends on Origin, including one to a request
//   without Origin (else a cache could serve it to a cross-origin request), so Vary is always set.
import type { CorsIR } from '../../src/ir/index.js';

export type ResponseHeader = [name: string, value: string];

export interface CorsRequest {
  method: string;
  origin?: string;
  /** Access-Control-Request-Method. */
  requestMethod?: string;
  /** Access-Control-Request-Headers. */
  requestHeaders?: string;
}

/**
 * What the filter does. `headers` are lower-case names to add to the response: the
 * access-control-* ones replace any the upstream sent (two Access-Control-Allow-Origin values make
 * browsers refuse the response); `vary` is appended to the upstream's.
 */
export type CorsDecision =
  /** No Origin: not a CORS request; only Vary is added. */
  | { kind: 'none'; headers: ResponseHeader[] }
  /** A preflight the proxy answers itself with `status` and `headers`; nothing goes upstream. */
  | { kind: 'preflight'; allowed: boolean; status: 200; headers: ResponseHeader[] }
  /** A request that goes upstream; `headers` go on its response. */
  | { kind: 'actual'; allowed: boolean; headers: ResponseHeader[] };

const VARY_ACTUAL = 'Origin';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

interface Origin {
  scheme: string;
  host: string;
  /** '' for the scheme's default port. */
  port: string;
}

type HostMatcher = (host: string) => boolean;

interface OriginPattern {
  scheme: string;
  port: string;
  host: HostMatcher;
}

interface CompiledCors {
  anyOrigin: boolean;
  patterns: OriginPattern[];
  /** Patterns that do not parse as origins still match their exact text. */
  literals: Set<string>;
  credentials: boolean;
  anyMethod: boolean;
  methods: string;
  anyHeader: boolean;
  headers: string;
  expose: string;
  maxAge: string;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };
const ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[^/:?#@[\]\s]+)(?::(\d{1,5}))?\/?$/i;

function parseOrigin(text: string): Origin | undefined {
  const m = ORIGIN.exec(text);
  if (!m) return undefined;
  const scheme = (m[1] as string).toLowerCase();
  const host = (m[2] as string).toLowerCase();
  let port = m[3] === undefined ? '' : String(Number(m[3]));
  if (port === DEFAULT_PORTS[scheme]) port = '';
  return { scheme, host, port };
}

function hostMatcher(pattern: string): HostMatcher {
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) return (host) => host === pattern;
  const parts = pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`^${parts.join('.+')}$`);
  return (host) => re.test(host);
}

function compile(cors: CorsIR): CompiledCors {
  const patterns: OriginPattern[] = [];
  const literals = new Set<string>();
  for (const text of cors.allowOrigins) {
    if (text === '*') continue;
    const parsed = parseOrigin(text);
    if (parsed) patterns.push({ scheme: parsed.scheme, port: parsed.port, host: hostMatcher(parsed.host) });
    else literals.add(text);
  }
  const exposed = cors.allowCredentials ? cors.exposeHeaders.filter((h) => h !== '*') : cors.exposeHeaders;
  return {
    anyOrigin: cors.allowOrigins.includes('*'),
    patterns,
    literals,
    credentials: cors.allowCredentials,
    anyMethod: cors.allowMethods.includes('*'),
    methods: cors.allowMethods.join(', '),
    anyHeader: cors.allowHeaders.includes('*'),
    headers: cors.allowHeaders.join(', '),
    expose: exposed.join(', '),
    maxAge: String(cors.maxAge),
  };
}

// Keyed by the IR object: the IR is immutable once built, and a new config brings new objects.
const compiled = new WeakMap<CorsIR, CompiledCors>();

function compiledFor(cors: CorsIR): CompiledCors {
  let c = compiled.get(cors);
  if (!c) {
    c = compile(cors);
    compiled.set(cors, c);
  }
  return c;
}

/** Whether the request's Origin is one of allowOrigins (spec matching rules, see the top). */
export function originAllowed(cors: CorsIR, origin: string): boolean {
  const c = compiledFor(cors);
  if (c.anyOrigin || c.literals.has(origin)) return true;
  if (c.patterns.length === 0) return false;
  const parsed = parseOrigin(origin);
  if (!parsed) return false;
  return c.patterns.some((p) => p.scheme === parsed.scheme && p.port === parsed.port && p.host(parsed.host));
}

export function isPreflight(req: CorsRequest): boolean {
  return req.method === 'OPTIONS' && req.origin !== undefined && req.origin !== '' && req.requestMethod !== undefined && req.requestMethod !== '';
}

export function corsDecision(cors: CorsIR, req: CorsRequest): CorsDecision {
  const origin = req.origin;
  if (origin === undefined || origin === '') return { kind: 'none', headers: [['vary', VARY_ACTUAL]] };
  const preflight = isPreflight(req);
  if (!originAllowed(cors, origin)) {
    return preflight
      ? { kind: 'preflight', allowed: false, status: 200, headers: [['vary', VARY_PREFLIGHT]] }
      : { kind: 'actual', allowed: false, headers: [['vary', VARY_ACTUAL]] };
  }
  const c = compiledFor(cors);
  const headers: ResponseHeader[] = [['access-control-allow-origin', origin]];
  if (c.credentials) headers.push(['access-control-allow-credentials', 'true']);
  if (preflight) {
    const methods = c.anyMethod ? (req.requestMethod ?? '') : c.methods;
    if (methods !== '') headers.push(['access-control-allow-methods', methods]);
    const allowHeaders = c.anyHeader ? (req.requestHeaders ?? '').trim() : c.headers;
    if (allowHeaders !== '') headers.push(['access-control-allow-headers', allowHeaders]);
    headers.push(['access-control-max-age', c.maxAge]);
  }
  if (c.expose !== '') headers.push(['access-control-expose-headers', c.expose]);
  headers.push(['vary', preflight ? VARY_PREFLIGHT : VARY_ACTUAL]);
  return preflight ? { kind: 'preflight', allowed: true, status: 200, headers } : { kind: 'actual', allowed: true, headers };
}
