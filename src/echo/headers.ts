// Header lists as the echo server sees them: ordered `[name, value]` pairs with lowercase names
// and repeats kept, because what a proxy did to repeated or reordered headers is the point of an
// echo. Converts from Node's raw header arrays and to its outgoing header objects.
import type { OutgoingHttpHeaders } from 'node:http';

export type HeaderList = readonly (readonly [name: string, value: string])[];

/** Splits Node's flat `rawHeaders` into regular headers and HTTP/2 pseudo-headers. */
export function fromRawHeaders(raw: readonly string[]): { headers: HeaderList; pseudo: HeaderList } {
  const headers: [string, string][] = [];
  const pseudo: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    const value = raw[i + 1] ?? '';
    (name.startsWith(':') ? pseudo : headers).push([name, value]);
  }
  return { headers, pseudo };
}

/** Every value of each name, in arrival order (a null-prototype object: names are data). */
export function groupHeaders(list: HeaderList): Record<string, string[]> {
  const grouped = Object.create(null) as Record<string, string[]>;
  for (const [name, value] of list) (grouped[name] ??= []).push(value);
  return grouped;
}

/** The last value of a header, or undefined. */
export function headerValue(list: HeaderList, name: string): string | undefined {
  let found: string | undefined;
  for (const [n, v] of list) if (n === name) found = v;
  return found;
}

/** Every value of a header, in order. */
export function headerValues(list: HeaderList, name: string): string[] {
  return list.filter(([n]) => n === name).map(([, v]) => v);
}

/** Node's outgoing form: a repeated name becomes an array, which Node sends as separate fields. */
export function toOutgoing(list: HeaderList): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, values] of Object.entries(groupHeaders(list))) {
    out[name] = values.length === 1 ? values[0] : values;
  }
  return out;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** An RFC 9110 token: what a field name must be. */
export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

/** `base` without the names `extra` sets, then `extra`: x-echo-* fields replace the defaults. */
export function withOverrides(base: HeaderList, extra: HeaderList): [string, string][] {
  const names = new Set(extra.map(([field]) => field));
  return [...base.filter(([field]) => !names.has(field)), ...extra].map(([field, value]) => [field, value]);
}
