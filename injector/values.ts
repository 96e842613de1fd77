// Parsers for the small values the injector reads from its config file and from pod annotations:
// port lists, CIDR lists, resource quantities, log levels. Each returns the value or one sentence
// saying what is wrong, so callers can collect every problem with its path before refusing.
import { isIP } from 'node:net';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

/** The levels `sidelane proxy --log-level` accepts. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type ProxyLogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: unknown): value is ProxyLogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

export function parseLogLevel(value: unknown): Parsed<ProxyLogLevel> {
  return isLogLevel(value) ? ok(value) : bad(`must be one of ${LOG_LEVELS.join(', ')}, got ${show(value)}`);
}

export function parsePort(value: unknown): Parsed<number> {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535) return ok(n);
  return bad(`${show(value)} is not a port (1-65535)`);
}

/** "8080, 9090" → [8080, 9090]; "" → []. Duplicates are dropped, order kept. */
export function parsePortList(text: string): Parsed<number[]> {
  const ports: number[] = [];
  const problems: string[] = [];
  for (const item of splitList(text)) {
    const port = parsePort(item);
    if (!port.ok) problems.push(port.problem);
    else if (!ports.includes(port.value)) ports.push(port.value);
  }
  return problems.length > 0 ? bad(problems.join('; ')) : ok(ports);
}

/**
 * "10.0.0.0/8" or "fd00::/8"; a bare address means just that host and gets /32 or /128, so the
 * init container always receives prefix notation whichever way the user wrote it.
 */
export function parseCidr(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return bad(`${show(value)} is not a CIDR range like 10.0.0.0/8`);
  const text = value.trim();
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return bad(`${show(value)} is not a CIDR range like 10.0.0.0/8 or fd00::/8`);
  const maxPrefix = family === 4 ? 32 : 128;
  if (slash === -1) return ok(`${address}/${maxPrefix}`);
  const prefixText = text.slice(slash + 1);
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > maxPrefix) {
    return bad(`${show(value)} has a bad prefix length (0-${maxPrefix} for IPv${family})`);
  }
  return ok(`${address}/${prefix}`);
}

/** "10.0.0.0/8, fd00::/8" → ["10.0.0.0/8", "fd00::/8"]; "" → []. */
export function parseCidrList(text: string): Parsed<string[]> {
  const ranges: string[] = [];
  const problems: string[] = [];
  for (const item of splitList(text)) {
    const range = parseCidr(item);
    if (!range.ok) problems.push(range.problem);
    else if (!ranges.includes(range.value)) ranges.push(range.value);
  }
  return problems.length > 0 ? bad(problems.join('; ')) : ok(ranges);
}

// A Kubernetes resource quantity without a sign (requests and limits cannot be negative):
// 100m, 0.5, 64Mi, 1G, 1e3.
const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const SUFFIX_FACTOR: Readonly<Record<string, number>> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

/** A quantity as the pod spec carries it (a string); YAML numbers such as `cpu: 1` are accepted too. */
export function parseQuantity(value: unknown): Parsed<string> {
  const text = typeof value === 'number' && Number.isFinite(value) && value >= 0 ? String(value) : value;
  if (typeof text === 'string' && QUANTITY.test(text)) return ok(text);
  return bad(`${show(value)} is not a resource quantity like 100m, 0.5, 64Mi or 1Gi`);
}

/** The numeric size of a valid quantity, for comparing a request with its limit. */
export function quantityValue(quantity: string): number {
  const match = QUANTITY.exec(quantity);
  if (match === null) return Number.NaN;
  const [, mantissa = '0', suffix = ''] = match;
  const factor = SUFFIX_FACTOR[suffix] ?? 10 ** Number(suffix.slice(1));
  return Number(mantissa) * factor;
}

function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** A value as it appears in a problem message. */
export function show(value: unknown): string {
  // JSON quoting escapes control characters, so a hostile value cannot forge lines in logs or warnings.
  if (value === undefined) return 'nothing';
  // Only JSON/YAML values reach here, and undefined is handled above.
  return JSON.stringify(value);
}
