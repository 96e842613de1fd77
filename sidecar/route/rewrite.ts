// Path rewrites (URLRewrite, RequestRedirect) and the redirect Location, as the Gateway API
// defines them. Shared by the proxy and `sidelane explain` so the two cannot disagree.
import type { HttpFilterIR, HttpMatchIR, PathModifierIR } from '../../src/ir/index.js';
import { pathAfterPrefix, prefixStem } from './path-prefix.js';

/**
 * ReplacePrefixMatch: the matched prefix (trailing `/` ignored, whole elements) is replaced by
 * `replacement` (trailing `/` ignored too); an empty result is "/". This reproduces the spec's
 * table, e.g. /foo/bar with prefix /foo → /xyz/bar for "/xyz" and "/xyz/", /bar for "".
 * A path not under the prefix (cannot happen for the rule that matched) is left unchanged.
 */
export function replacePrefixMatch(path: string, prefix: string, replacement: string): string {
  const rest = pathAfterPrefix(path, prefix);
  if (rest === undefined) return path;
  const rewritten = prefixStem(replacement) + rest;
  return rewritten === '' ? '/' : rewritten;
}

/**
 * The path after a path modifier. ReplacePrefixMatch needs the PathPrefix the request matched; a
 * match without a path (or, defensively, of another type) counts as the default prefix "/".
 */
export function modifiedPath(path: string, modifier: PathModifierIR, match: HttpMatchIR | undefined): string {
  if (modifier.type === 'ReplaceFullPath') return modifier.value;
  const prefix = match?.path?.type === 'PathPrefix' ? match.path.value : '/';
  return replacePrefixMatch(path, prefix, modifier.value);
}

export interface RedirectInput {
  /** Scheme the client used. */
  scheme: 'http' | 'https';
  /** Request host without port. */
  host: string;
  /** The port the client addressed (for a mesh: the Service port, the "listener" port). */
  port: number;
  path: string;
  /** Query as sent, without `?`; kept on the redirect. */
  rawQuery: string;
}

export type RedirectFilterIR = Omit<Extract<HttpFilterIR, { type: 'RequestRedirect' }>, 'type'>;

/**
 * The Location of a RequestRedirect. Port per the spec: the filter's port, else the well-known
 * port of a scheme the filter sets, else the port the request came in on; omitted when it is the
 * scheme's default (http:80, https:443).
 */
export function redirectLocation(filter: RedirectFilterIR, req: RedirectInput, match: HttpMatchIR | undefined): string {
  const scheme = filter.scheme ?? req.scheme;
  const host = filter.hostname ?? req.host;
  const port = filter.port ?? (filter.scheme ? defaultPort(filter.scheme) : req.port);
  const path = filter.path ? modifiedPath(req.path, filter.path, match) : req.path;
  const authority = port === defaultPort(scheme) ? hostForUrl(host) : `${hostForUrl(host)}:${port}`;
  return `${scheme}://${authority}${path}${req.rawQuery === '' ? '' : `?${req.rawQuery}`}`;
}

export function defaultPort(scheme: 'http' | 'https'): number {
  return scheme === 'https' ? 443 : 80;
}

/** IPv6 literals need brackets in a URL authority. */
function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
