// Hostname patterns of listeners and routes: where a route's hostnames and its listener's meet
// (the route's "effective" hostnames on that listener) and the order hosts are tried in. Patterns
// are lowercased; `*.example.com` covers one or more labels in front of example.com (not
// example.com itself); `*` covers any host.
import type { HostnamePattern } from '../ir/index.js';

export const ANY_HOST = '*';

function isWildcard(pattern: HostnamePattern): boolean {
  return pattern.startsWith('*.');
}

/** Whether `pattern` covers every host `inner` covers (`inner` may itself be a wildcard). */
export function patternCovers(pattern: HostnamePattern, inner: HostnamePattern): boolean {
  if (pattern === ANY_HOST || pattern === inner) return true;
  if (!isWildcard(pattern) || inner === ANY_HOST) return false;
  // `*.example.com` covers `a.example.com` and `*.a.example.com`, but not `example.com`.
  const suffix = pattern.slice(1); // `.example.com`
  if (isWildcard(inner)) return inner.slice(1).endsWith(suffix);
  return inner.length > suffix.length && inner.endsWith(suffix);
}

/**
 * The hosts two patterns both cover, as one pattern, or undefined when they share none:
 * `*.example.com` ∩ `foo.example.com` = `foo.example.com`; `*.example.com` ∩ `*.foo.example.com`
 * = `*.foo.example.com`; `*` ∩ anything = that thing.
 */
export function intersectHostnames(a: HostnamePattern, b: HostnamePattern): HostnamePattern | undefined {
  if (patternCovers(a, b)) return b;
  if (patternCovers(b, a)) return a;
  return undefined;
}

/**
 * A route's effective hostnames on a listener, in precedence order: each route hostname the
 * listener's hostname meets, narrowed to the intersection; a route without hostnames takes the
 * listener's (or `*`). Empty means the route cannot attach to this listener.
 */
export function effectiveHostnames(listenerHostname: string | undefined, routeHostnames: readonly string[]): HostnamePattern[] {
  const listener = listenerHostname?.toLowerCase() ?? ANY_HOST;
  if (routeHostnames.length === 0) return [listener];
  const out = new Set<HostnamePattern>();
  for (const raw of routeHostnames) {
    const met = intersectHostnames(listener, raw.toLowerCase());
    if (met !== undefined) out.add(met);
  }
  return [...out].sort(compareHostPrecedence);
}

/** Exact names (longest first), then wildcards (longest first), then `*`; ties alphabetical. */
export function compareHostPrecedence(a: HostnamePattern, b: HostnamePattern): number {
  const rank = (h: HostnamePattern): number => (h === ANY_HOST ? 2 : isWildcard(h) ? 1 : 0);
  return rank(a) - rank(b) || b.length - a.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Whether two sets of patterns share at least one host. */
export function hostnamesOverlap(a: readonly HostnamePattern[], b: readonly HostnamePattern[]): boolean {
  return a.some((x) => b.some((y) => intersectHostnames(x, y) !== undefined));
}
