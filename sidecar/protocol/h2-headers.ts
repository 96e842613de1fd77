// Header lists ([name, value] pairs, repeats kept) to and from Node's HTTP/2 header objects, for
// both sides of the proxy: names lower-cased (HTTP/2 requires it), repeats as lists that Node
// sends as repeated fields, pseudo-headers kept apart.
import type http2 from 'node:http2';
import type { NameValue } from '../route/request.js';

export function toH2Headers(headers: readonly NameValue[], pseudo: Record<string, string | number> = {}): http2.OutgoingHttpHeaders {
  const out: Record<string, string | string[] | number> = { ...pseudo };
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase();
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [String(prev), value];
  }
  return out;
}

/** The regular (non-pseudo) fields of a received header object. */
export function fromH2Headers(headers: http2.IncomingHttpHeaders): NameValue[] {
  const out: NameValue[] = [];
  for (const name of Object.keys(headers)) {
    if (name.startsWith(':')) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.push([name, v]);
    else out.push([name, value]);
  }
  return out;
}
