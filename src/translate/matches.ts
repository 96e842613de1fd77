// HTTPRoute / GRPCRoute matches → IR matches, checked as the API server would (and more: files
// never meet the API server's validation). Returns a message instead of a match when invalid.
import type { GrpcMethodMatch, HeaderMatch, HttpMatchIR, PathMatch, QueryParamMatch, StringMatch } from '../ir/index.js';
import { re2Problem } from './regex.js';

export interface HttpMatchInput {
  path?: { type?: string; value?: string };
  headers?: { type?: string; name: string; value: string }[];
  queryParams?: { type?: string; name: string; value: string }[];
  method?: string;
}

export interface GrpcMatchInput {
  method?: { type?: string; service?: string; method?: string };
  headers?: { type?: string; name: string; value: string }[];
}

type Result<T> = { ok: true; value: T } | { ok: false; message: string };
const fail = <T>(message: string): Result<T> => ({ ok: false, message });

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);
/** RFC 7230 token: what a header name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function httpMatch(m: HttpMatchInput): Result<HttpMatchIR> {
  const path = pathMatch(m.path);
  if (!path.ok) return path;
  const headers = stringMatches(m.headers, 'header', true);
  if (!headers.ok) return headers;
  const queryParams = stringMatches(m.queryParams, 'query param', false);
  if (!queryParams.ok) return queryParams;
  const out: HttpMatchIR = { path: path.value, headers: headers.value, queryParams: queryParams.value };
  if (m.method !== undefined) {
    if (!METHODS.has(m.method)) return fail(`method ${m.method} is not an HTTP method the spec allows`);
    out.method = m.method;
  }
  return { ok: true, value: out };
}

function pathMatch(p: HttpMatchInput['path']): Result<PathMatch> {
  const type = p?.type ?? 'PathPrefix';
  const value = p?.value ?? '/';
  switch (type) {
    case 'Exact':
    case 'PathPrefix':
      if (!value.startsWith('/')) return fail(`path ${type} value ${JSON.stringify(value)} must start with /`);
      if (/\/\/|\/\.\.?(\/|$)|[?#]/.test(value)) {
        return fail(`path ${type} value ${JSON.stringify(value)} must not contain //, /./, /../, ? or #`);
      }
      return { ok: true, value: { type, value } };
    case 'RegularExpression': {
      const problem = re2Problem(value);
      if (problem) return fail(`path regular expression ${JSON.stringify(value)} is not valid RE2: ${problem}`);
      return { ok: true, value: { type, value } };
    }
    default:
      return fail(`path match type ${type} is not supported`);
  }
}

function stringMatches<T extends HeaderMatch | QueryParamMatch>(
  inputs: { type?: string; name: string; value: string }[] | undefined,
  what: string,
  caseInsensitiveName: boolean,
): Result<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  for (const input of inputs ?? []) {
    const name = caseInsensitiveName ? input.name.toLowerCase() : input.name;
    if (caseInsensitiveName && !TOKEN.test(name)) return fail(`${what} name ${JSON.stringify(input.name)} is not a valid header name`);
    // The spec: when a name repeats, the first entry counts and the later ones are ignored.
    if (seen.has(name)) continue;
    seen.add(name);
    const m = stringMatch(input.type, input.value, `${what} ${input.name}`);
    if (!m.ok) return m;
    out.push({ name, ...m.value } as T);
  }
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ok: true, value: out };
}

function stringMatch(type: string | undefined, value: string, what: string): Result<StringMatch> {
  const t = type ?? 'Exact';
  if (t === 'Exact') return { ok: true, value: { type: 'Exact', value } };
  if (t === 'RegularExpression') {
    const problem = re2Problem(value);
    if (problem) return fail(`${what} regular expression ${JSON.stringify(value)} is not valid RE2: ${problem}`);
    return { ok: true, value: { type: 'RegularExpression', value } };
  }
  return fail(`${what} match type ${t} is not supported`);
}

export function grpcMatch(m: GrpcMatchInput): Result<HttpMatchIR> {
  const headers = stringMatches<HeaderMatch>(m.headers, 'header', true);
  if (!headers.ok) return headers;
  const out: HttpMatchIR = { headers: headers.value, queryParams: [] };
  if (m.method) {
    const type = m.method.type ?? 'Exact';
    if (m.method.service === undefined && m.method.method === undefined) {
      return fail('gRPC method match needs a service, a method, or both');
    }
    const grpc: GrpcMethodMatch = {};
    for (const part of ['service', 'method'] as const) {
      const value = m.method[part];
      if (value === undefined) continue;
      const sm = stringMatch(type, value, `gRPC ${part}`);
      if (!sm.ok) return sm;
      grpc[part] = sm.value;
    }
    out.grpc = grpc;
  }
  return { ok: true, value: out };
}
