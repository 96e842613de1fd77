// The facts of an HTTP request that route matching looks at, and the parser that gets them from a
// raw request target. Matching sees a normalized path; the proxy still forwards what was sent
// (transparency), so `rawPath` is kept next to it.

/** A header or query parameter as it arrived: name, value, in order, repeats kept. */
export type NameValue = readonly [name: string, value: string];

export interface HttpRequestFacts {
  /** Case-sensitive, as RFC 9110 says (`get` is not `GET`). */
  method: string;
  /** Path without query, normalized for matching by `normalizeRequestPath`. */
  path: string;
  /** Decoded query parameters in the order sent; repeats kept (matching uses the first). */
  query: readonly NameValue[];
  /** Header names in any case; repeats kept (matching joins them, see prepare.ts). */
  headers: readonly NameValue[];
}

export interface RequestTarget {
  /** Normalized path, what route matches compare against. */
  path: string;
  /** The path exactly as sent. */
  rawPath: string;
  /** The query exactly as sent, without `?`; '' when absent. */
  rawQuery: string;
  query: NameValue[];
}

/**
 * Splits a request target (origin-form `/a/b?x=1`, or absolute-form `http://h/a?x=1`) into path and
 * query. A fragment is dropped: clients never send one, and it must not reach matching if one does.
 */
export function parseRequestTarget(target: string): RequestTarget {
  let rest = target;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?]*/.exec(rest);
  if (absolute) rest = rest.slice(absolute[0].length);
  const q = rest.indexOf('?');
  const rawPath = q >= 0 ? rest.slice(0, q) : rest;
  const rawQuery = q >= 0 ? rest.slice(q + 1) : '';
  // An absolute-form target with no path ("http://h") means "/" (RFC 9112 §3.2.2).
  const pathForMatching = rawPath === '' ? '/' : rawPath;
  return { path: normalizeRequestPath(pathForMatching), rawPath, rawQuery, query: parseQuery(rawQuery) };
}

/** The first value of a header (`lowerCaseName` lower-case; names compare case-insensitively). */
export function firstHeader(headers: readonly NameValue[], lowerCaseName: string): string | undefined {
  for (const [name, value] of headers) if (name === lowerCaseName || name.toLowerCase() === lowerCaseName) return value;
  return undefined;
}

/** Builds the facts a matcher needs from what a proxy reads off the wire. */
export function httpRequestFacts(method: string, target: string, headers: readonly NameValue[]): HttpRequestFacts {
  const { path, query } = parseRequestTarget(target);
  return { method, path, query, headers };
}

/**
 * RFC 3986 §6.2.2 syntax-based normalization, which never changes what the URI identifies:
 *  - percent-encoded unreserved characters are decoded (`%7E` → `~`, `%41` → `A`), other
 *    percent-encodings get upper-case hex digits (`%2f` → `%2F`);
 *  - dot segments are removed (`/a/./b/../c` → `/a/c`), so a request cannot sit "under" a prefix
 *    while the backend resolves it elsewhere.
 * Deliberately not done: decoding reserved characters (`%2F` stays, it is not a segment separator)
 * and merging `//` (an empty segment is a real segment; servers differ on it, so we do not guess).
 * Paths that do not start with `/` (`*`, authority-form) are returned unchanged.
 */
export function normalizeRequestPath(path: string): string {
  if (!path.startsWith('/')) return path;
  const decoded = path.includes('%') ? normalizePercentEncoding(path) : path;
  return decoded.includes('.') ? removeDotSegments(decoded) : decoded;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const PERCENT_TRIPLET = /%([0-9A-Fa-f]{2})/g;

function normalizePercentEncoding(s: string): string {
  return s.replace(PERCENT_TRIPLET, (_triplet, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

/** RFC 3986 §5.2.4, segment by segment; empty segments (from `//`) are kept. */
function removeDotSegments(path: string): string {
  const input = path.split('/').slice(1);
  const output: string[] = [];
  input.forEach((segment, i) => {
    const last = i === input.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..') output.pop();
      // A trailing dot segment still names a directory: "/a/b/.." is "/a/".
      if (last) output.push('');
      return;
    }
    output.push(segment);
  });
  return `/${output.join('/')}`;
}

/**
 * Splits a query into decoded name/value pairs. `+` is kept as `+`: RFC 3986 gives it no meaning,
 * and the form-encoding convention that turns it into a space is an application's business.
 * A malformed escape (`%zz`) is kept verbatim rather than failing the request.
 */
export function parseQuery(rawQuery: string): NameValue[] {
  if (rawQuery === '') return [];
  const params: NameValue[] = [];
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq >= 0 ? piece.slice(0, eq) : piece;
    const value = eq >= 0 ? piece.slice(eq + 1) : '';
    params.push([percentDecode(name), percentDecode(value)]);
  }
  return params;
}

function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
