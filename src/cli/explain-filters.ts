// What each filter of the chosen rule does to *this* request, in the order the user wrote them:
// header changes with their before/after, the rewritten path and Host, the redirect Location, the
// mirror share, the CORS decision. Uses the sidecar's own rewrite functions so it cannot drift.
import type { CorsIR, HeaderModifierIR, HttpFilterIR, HttpMatchIR } from '../ir/index.js';
import { applyHeaderModifier } from '../../sidecar/route/header-modifier.js';
import type { NameValue } from '../../sidecar/route/request.js';
import { corsDecision } from '../../sidecar/route/cors.js';
import { modifiedPath, redirectLocation } from '../../sidecar/route/rewrite.js';
import type { FilterEffectView } from './explain-result.js';

/** The request as the filters see and change it. */
export interface FilterState {
  method: string;
  scheme: 'http' | 'https';
  /** Host as the client wrote it (no port), for redirects. */
  host: string;
  port: number;
  /** Normalized path (what matching saw and rewrites work on). */
  path: string;
  /** What goes on the wire upstream: the raw target until a filter rewrites the path. */
  target: string;
  rawQuery: string;
  headers: NameValue[];
  /** Set by a RequestRedirect, or a CORS preflight the proxy answers. */
  response?: { status: number; location?: string; reason: string };
}

export function applyFilters(filters: readonly HttpFilterIR[], match: HttpMatchIR | undefined, state: FilterState): FilterEffectView[] {
  return filters.map((f) => ({ type: f.type, effect: filterEffect(f, match, state) }));
}

function filterEffect(filter: HttpFilterIR, match: HttpMatchIR | undefined, state: FilterState): string {
  switch (filter.type) {
    case 'RequestHeaderModifier': {
      const effect = describeHeaderChanges(filter, state.headers);
      state.headers = applyHeaderModifier(state.headers, filter);
      return effect;
    }
    case 'ResponseHeaderModifier':
      return `on the response: ${describeHeaderChanges(filter, undefined)}`;
    case 'URLRewrite': {
      const parts: string[] = [];
      if (filter.hostname !== undefined) {
        const before = headerValue(state.headers, 'host');
        state.headers = applyHeaderModifier(state.headers, { set: [{ name: 'host', value: filter.hostname }], add: [], remove: [] });
        parts.push(`Host ${before ?? '(absent)'} → ${filter.hostname}`);
      }
      if (filter.path) {
        const rewritten = modifiedPath(state.path, filter.path, match);
        parts.push(`path ${state.path} → ${rewritten} (${filter.path.type} ${JSON.stringify(filter.path.value)})`);
        state.path = rewritten;
        state.target = state.rawQuery === '' ? rewritten : `${rewritten}?${state.rawQuery}`;
      }
      return parts.length > 0 ? parts.join('; ') : 'nothing to rewrite';
    }
    case 'RequestRedirect': {
      const location = redirectLocation(filter, { scheme: state.scheme, host: state.host, port: state.port, path: state.path, rawQuery: state.rawQuery }, match);
      state.response ??= { status: filter.statusCode, location, reason: 'RequestRedirect' };
      return `answers ${filter.statusCode} with Location: ${location}`;
    }
    case 'RequestMirror': {
      const { numerator, denominator } = filter.fraction;
      const percent = denominator === 0 ? 0 : Math.round((numerator / denominator) * 10000) / 100;
      const t = filter.target;
      return `copies ${percent}% of requests to ${t.service.namespace}/${t.service.name}:${t.port}; the copy's answer is discarded`;
    }
    case 'CORS':
      return corsEffect(filter, state);
  }
}

function describeHeaderChanges(m: HeaderModifierIR, headers: readonly NameValue[] | undefined): string {
  const was = (name: string): string => {
    if (!headers) return '';
    const v = headerValue(headers, name);
    return v === undefined ? ' (new)' : ` (was ${JSON.stringify(v)})`;
  };
  const parts = [
    ...m.set.map((h) => `set ${h.name}: ${h.value}${was(h.name)}`),
    ...m.add.map((h) => `add ${h.name}: ${h.value}`),
    ...m.remove.map((name) => {
      if (!headers) return `remove ${name}`;
      const v = headerValue(headers, name);
      return v === undefined ? `remove ${name} (absent: no effect)` : `remove ${name} (was ${JSON.stringify(v)})`;
    }),
  ];
  return parts.length > 0 ? parts.join('; ') : 'no header changes';
}

function corsEffect(cors: CorsIR, state: FilterState): string {
  const origin = headerValue(state.headers, 'origin');
  const decision = corsDecision(cors, {
    method: state.method,
    origin,
    requestMethod: headerValue(state.headers, 'access-control-request-method'),
    requestHeaders: headerValue(state.headers, 'access-control-request-headers'),
  });
  const added = (headers: readonly (readonly [string, string])[]): string => headers.map(([n, v]) => `${n}: ${v}`).join('; ');
  switch (decision.kind) {
    case 'none':
      return 'no Origin header: not a cross-origin request, only Vary: Origin added';
    case 'preflight':
      if (!decision.allowed) {
        state.response ??= { status: decision.status, reason: 'CORS preflight from a disallowed origin, answered by the proxy' };
        return `preflight from origin ${JSON.stringify(origin)}, not in allowOrigins [${cors.allowOrigins.join(', ')}]: answered ${decision.status} by the proxy without CORS headers`;
      }
      state.response ??= { status: decision.status, reason: 'CORS preflight answered by the proxy' };
      return `preflight from allowed origin ${JSON.stringify(origin)}: answered ${decision.status} by the proxy with ${added(decision.headers)}`;
    case 'actual':
      if (!decision.allowed) return `origin ${JSON.stringify(origin)} is not in allowOrigins [${cors.allowOrigins.join(', ')}]: no CORS headers added`;
      return `origin ${JSON.stringify(origin)} is allowed: on the response ${added(decision.headers)}`;
  }
}

/** Repeats joined by ",", names case-insensitive: the value a header match would see. */
export function headerValue(headers: readonly NameValue[], name: string): string | undefined {
  const values = headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(',');
}
