// HTTPRoute/GRPCRoute filters → IR filters, in the order written. A rule whose filters cannot be
// honoured (unknown type, forbidden combination, repeated filter) is reported and left out; an
// ExtensionRef we cannot resolve keeps the rule but makes it answer 500, as the spec requires.
import type {
  CorsIR,
  FractionIR,
  HeaderModifierIR,
  HttpFilterIR,
  PathModifierIR,
  RedirectStatus,
} from '../ir/index.js';
import { resolveBackend, type BackendContext, type BackendRefInput } from './backends.js';
import type { RouteProblems } from './problems.js';

interface HeaderModifierInput {
  set?: { name: string; value: string }[];
  add?: { name: string; value: string }[];
  remove?: string[];
}

interface PathModifierInput {
  type: string;
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

/** The shape shared by HTTPRoute and GRPCRoute filters (GRPCRoute has a subset of types). */
export interface FilterInput {
  type: string;
  requestHeaderModifier?: HeaderModifierInput;
  responseHeaderModifier?: HeaderModifierInput;
  requestRedirect?: {
    scheme?: string;
    hostname?: string;
    port?: number;
    path?: PathModifierInput;
    statusCode?: number;
  };
  urlRewrite?: { hostname?: string; path?: PathModifierInput };
  requestMirror?: {
    backendRef: BackendRefInput;
    percent?: number;
    fraction?: { numerator: number; denominator?: number };
  };
  cors?: {
    allowOrigins?: string[];
    allowMethods?: string[];
    allowHeaders?: string[];
    exposeHeaders?: string[];
    allowCredentials?: boolean;
    maxAge?: number;
  };
  extensionRef?: { group?: string; kind?: string; name?: string };
}

export type FilterOutcome =
  | { ok: true; filters: HttpFilterIR[]; unresolvedExtension?: string }
  | { ok: false; message: string };

const HTTP_FILTER_TYPES = new Set([
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestRedirect',
  'URLRewrite',
  'RequestMirror',
  'CORS',
  'ExtensionRef',
]);
const GRPC_FILTER_TYPES = new Set(['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'ExtensionRef']);
/** The only filter the spec lets a rule repeat. */
const REPEATABLE = new Set(['RequestMirror']);
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

export interface FilterContext {
  routeKind: 'HTTPRoute' | 'GRPCRoute';
  backends: BackendContext;
  problems: RouteProblems;
  /** For messages: "rule 2", "rule 2 backendRef 0". */
  where: string;
  /** ReplacePrefixMatch needs every match of the rule to be a PathPrefix match. */
  allMatchesArePrefix: boolean;
}

export function translateFilters(inputs: FilterInput[] | undefined, ctx: FilterContext): FilterOutcome {
  const filters: HttpFilterIR[] = [];
  const seen = new Set<string>();
  let unresolvedExtension: string | undefined;
  const allowed = ctx.routeKind === 'GRPCRoute' ? GRPC_FILTER_TYPES : HTTP_FILTER_TYPES;

  for (const [i, f] of (inputs ?? []).entries()) {
    if (!allowed.has(f.type)) {
      return { ok: false, message: `filter ${i} has type ${f.type}, which ${ctx.routeKind} in Sidelane does not support` };
    }
    if (seen.has(f.type) && !REPEATABLE.has(f.type)) {
      return { ok: false, message: `filter type ${f.type} appears more than once; the spec allows that only for RequestMirror` };
    }
    seen.add(f.type);
    const result = translateFilter(f, i, ctx);
    if ('message' in result) return { ok: false, message: result.message };
    if ('extension' in result) unresolvedExtension ??= result.extension;
    else if (result.filter) filters.push(result.filter);
  }
  if (seen.has('URLRewrite') && seen.has('RequestRedirect')) {
    return { ok: false, message: 'URLRewrite and RequestRedirect cannot be combined in one rule' };
  }
  return unresolvedExtension === undefined ? { ok: true, filters } : { ok: true, filters, unresolvedExtension };
}

type OneFilter = { filter?: HttpFilterIR } | { message: string } | { extension: string };

function translateFilter(f: FilterInput, i: number, ctx: FilterContext): OneFilter {
  const missing = (field: string): OneFilter => ({ message: `filter ${i} of type ${f.type} has no ${field}` });
  switch (f.type) {
    case 'RequestHeaderModifier':
      if (!f.requestHeaderModifier) return missing('requestHeaderModifier');
      return headerModifier('RequestHeaderModifier', f.requestHeaderModifier, i);
    case 'ResponseHeaderModifier':
      if (!f.responseHeaderModifier) return missing('responseHeaderModifier');
      return headerModifier('ResponseHeaderModifier', f.responseHeaderModifier, i);
    case 'RequestRedirect': {
      const r = f.requestRedirect;
      if (!r) return missing('requestRedirect');
      const statusCode = r.statusCode ?? 302;
      if (!REDIRECT_CODES.has(statusCode)) return { message: `redirect statusCode ${statusCode} is not one of 301, 302, 303, 307, 308` };
      if (r.scheme !== undefined && r.scheme !== 'http' && r.scheme !== 'https') {
        return { message: `redirect scheme ${r.scheme} is not http or https` };
      }
      const path = r.path ? pathModifier(r.path, ctx) : undefined;
      if (path && 'message' in path) return path;
      const filter: HttpFilterIR = { type: 'RequestRedirect', statusCode: statusCode as RedirectStatus };
      if (r.scheme) filter.scheme = r.scheme;
      if (r.hostname) filter.hostname = r.hostname;
      if (r.port !== undefined) filter.port = r.port;
      if (path) filter.path = path;
      return { filter };
    }
    case 'URLRewrite': {
      const r = f.urlRewrite;
      if (!r) return missing('urlRewrite');
      const path = r.path ? pathModifier(r.path, ctx) : undefined;
      if (path && 'message' in path) return path;
      const filter: HttpFilterIR = { type: 'URLRewrite' };
      if (r.hostname) filter.hostname = r.hostname;
      if (path) filter.path = path;
      return { filter };
    }
    case 'RequestMirror': {
      const m = f.requestMirror;
      if (!m) return missing('requestMirror');
      const fraction = mirrorFraction(m);
      if ('message' in fraction) return fraction;
      const backend = resolveBackend({ ...m.backendRef, weight: 1 }, ctx.backends, ctx.problems, `${ctx.where} mirror`);
      // A mirror to a missing backend is reported (ResolvedRefs) and mirrors nothing; the
      // request itself is unaffected, which is what mirroring promises.
      if (backend.kind === 'Invalid') return {};
      return { filter: { type: 'RequestMirror', target: { service: backend.service, port: backend.port }, fraction } };
    }
    case 'CORS': {
      const c = f.cors;
      if (!c) return missing('cors');
      const cors: CorsIR = {
        allowOrigins: c.allowOrigins ?? [],
        allowMethods: c.allowMethods ?? [],
        allowHeaders: c.allowHeaders ?? [],
        exposeHeaders: c.exposeHeaders ?? [],
        allowCredentials: c.allowCredentials ?? false,
        maxAge: c.maxAge ?? 5,
      };
      return { filter: { type: 'CORS', ...cors } };
    }
    case 'ExtensionRef': {
      const e = f.extensionRef;
      const what = e ? `${e.group || 'core'}/${e.kind ?? '?'} ${e.name ?? '?'}` : '(no extensionRef)';
      ctx.problems.ref('InvalidKind', `${ctx.where}: ExtensionRef ${what} is not implemented by Sidelane; requests matching this rule are answered 500`);
      return { extension: what };
    }
    default:
      return { message: `filter ${i} has unknown type ${f.type}` };
  }
}

function headerModifier(
  type: 'RequestHeaderModifier' | 'ResponseHeaderModifier',
  m: HeaderModifierInput,
  i: number,
): OneFilter {
  const lower = (h: { name: string; value: string }): { name: string; value: string } => ({
    name: h.name.toLowerCase(),
    value: h.value,
  });
  const mod: HeaderModifierIR = {
    set: (m.set ?? []).map(lower),
    add: (m.add ?? []).map(lower),
    remove: (m.remove ?? []).map((n) => n.toLowerCase()),
  };
  for (const list of [mod.set.map((h) => h.name), mod.add.map((h) => h.name), mod.remove]) {
    const dup = list.find((n, j) => list.indexOf(n) !== j);
    if (dup !== undefined) return { message: `filter ${i} (${type}) names header ${dup} twice in one list` };
  }
  return { filter: { type, ...mod } };
}

function pathModifier(p: PathModifierInput, ctx: FilterContext): PathModifierIR | { message: string } {
  if (p.type === 'ReplaceFullPath') {
    if (p.replaceFullPath === undefined) return { message: 'path modifier ReplaceFullPath has no replaceFullPath' };
    return { type: 'ReplaceFullPath', value: p.replaceFullPath };
  }
  if (p.type === 'ReplacePrefixMatch') {
    if (p.replacePrefixMatch === undefined) return { message: 'path modifier ReplacePrefixMatch has no replacePrefixMatch' };
    if (!ctx.allMatchesArePrefix) {
      return { message: 'ReplacePrefixMatch needs every match of the rule to be a PathPrefix path match' };
    }
    return { type: 'ReplacePrefixMatch', value: p.replacePrefixMatch };
  }
  return { message: `path modifier type ${p.type} is not supported` };
}

function mirrorFraction(m: NonNullable<FilterInput['requestMirror']>): FractionIR | { message: string } {
  if (m.percent !== undefined && m.fraction !== undefined) return { message: 'RequestMirror sets both percent and fraction' };
  if (m.percent !== undefined) {
    if (m.percent < 0 || m.percent > 100) return { message: `RequestMirror percent ${m.percent} is outside 0..100` };
    return { numerator: m.percent, denominator: 100 };
  }
  if (m.fraction !== undefined) {
    const denominator = m.fraction.denominator ?? 100;
    if (denominator <= 0 || m.fraction.numerator < 0 || m.fraction.numerator > denominator) {
      return { message: `RequestMirror fraction ${m.fraction.numerator}/${denominator} is not between 0 and 1` };
    }
    return { numerator: m.fraction.numerator, denominator };
  }
  return { numerator: 100, denominator: 100 };
}
