// Hostname patterns of Gateway listeners and their virtual hosts: what a well-formed one is, and
// its rank in the precedence order the IR keeps them in (exact names, then wildcards, then `*`;
// the comparator itself is compareHostnamePatterns in order.ts, with the IR's other orders).
import type { HostnamePattern } from './gateway.js';

// Lower-case DNS labels separated by dots (RFC 1123), as the Gateway API accepts for a hostname.
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_HOSTNAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/** `*` (any host), `*.suffix` (one or more labels in front of suffix) or a DNS name; lowercased. */
export function isHostnamePattern(value: unknown): value is HostnamePattern {
  if (typeof value !== 'string') return false;
  if (value === '*') return true;
  const name = value.startsWith('*.') ? value.slice(2) : value;
  return (
    value.length <= MAX_HOSTNAME_LENGTH &&
    DNS_NAME.test(name) &&
    name.split('.').every((label) => label.length <= MAX_LABEL_LENGTH)
  );
}

/** 0 for an exact name, 1 for a wildcard, 2 for `*`: the order they are tried in. */
export function hostnameRank(pattern: HostnamePattern): 0 | 1 | 2 {
  if (pattern === '*') return 2;
  return pattern.startsWith('*.') ? 1 : 0;
}
