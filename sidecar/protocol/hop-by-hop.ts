// Which header fields a proxy removes before forwarding (RFC 9110 §7.6.1): the fields named in
// `Connection`, `Connection` itself, and the fields known to be connection-specific whether listed
// or not. Runs on every request and response, so it is one pass with lazy lower-casing.
//
// Decisions:
// - Always removed: Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade (the list
//   of RFC 9110 §7.6.1), plus HTTP2-Settings (connection-specific per RFC 9113 §3.2.1's h2c upgrade).
// - TE is kept only as `te: trailers`, whatever else it listed: gRPC needs it to reach the server,
//   and it is the only TE an HTTP/2 request may carry (RFC 9113 §8.2.2). HTTP/1.1 requires a client
//   sending TE to list it in Connection too, so a `te` Connection option does not remove it.
// - Trailer, Proxy-Authenticate and Proxy-Authorization are kept. RFC 2616 listed the last two as
//   hop-by-hop; RFC 9110 does not, and a transparent sidecar is not the proxy they address (Envoy
//   forwards them as well).
// - Host and Content-Length are never removed through a Connection option: a client must not be
//   able to strip the target or change framing that way.
// - Upgrade is removed unless the caller is forwarding an upgrade (keepUpgrade), in which case it
//   is kept and `Connection: upgrade` is written back, the one Connection option that must survive.

import type { NameValue } from '../route/request.js';

/** Lower-case names removed from every message, listed or not. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'http2-settings',
]);

const NEVER_LISTED = new Set(['host', 'content-length']);

export interface StripOptions {
  /** Forwarding an HTTP/1.1 upgrade (WebSocket): keep Upgrade and say so in Connection. */
  keepUpgrade?: boolean;
}

const KEEP = 0;
const DROP = 1;
const CONNECTION = 2;
const TE = 3;
const UPGRADE = 4;
type Kind = typeof KEEP | typeof DROP | typeof CONNECTION | typeof TE | typeof UPGRADE;

function is(name: string, lower: string): boolean {
  return name === lower || name.toLowerCase() === lower;
}

/** Only names of a hop-by-hop name's length are lower-cased: most headers cost one switch. */
function classify(name: string): Kind {
  switch (name.length) {
    case 2:
      return is(name, 'te') ? TE : KEEP;
    case 7:
      return is(name, 'upgrade') ? UPGRADE : KEEP;
    case 10: {
      const lower = name.toLowerCase();
      if (lower === 'connection') return CONNECTION;
      return lower === 'keep-alive' ? DROP : KEEP;
    }
    case 14:
      return is(name, 'http2-settings') ? DROP : KEEP;
    case 16:
      return is(name, 'proxy-connection') ? DROP : KEEP;
    case 17:
      return is(name, 'transfer-encoding') ? DROP : KEEP;
    default:
      return KEEP;
  }
}

/** Adds the options of one Connection value that name a header still to remove. */
function addConnectionOptions(value: string, listed: Set<string> | undefined): Set<string> | undefined {
  for (const part of value.split(',')) {
    const option = part.trim().toLowerCase();
    // `close` and `keep-alive` are the usual values; nothing more to remove for those.
    if (option === '' || option === 'close' || HOP_BY_HOP_HEADERS.has(option) || NEVER_LISTED.has(option)) continue;
    (listed ??= new Set()).add(option);
  }
  return listed;
}

/** Whether a TE value lists `trailers` (a bare token: it takes no weight). */
function hasTrailers(value: string): boolean {
  if (value === 'trailers') return true;
  for (const part of value.split(',')) if (part.trim().toLowerCase() === 'trailers') return true;
  return false;
}

/**
 * A new flat [name, value, name, value, …] list (as IncomingMessage.rawHeaders) without the
 * hop-by-hop fields; names keep their case, order and repeats are kept.
 */
export function stripHopByHop(raw: readonly string[], options?: StripOptions): string[] {
  const keepUpgrade = options?.keepUpgrade === true;
  const out: string[] = [];
  let listed: Set<string> | undefined;
  let teKept = false;
  let upgradeKept = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    switch (classify(name)) {
      case KEEP:
        out.push(name, value);
        break;
      case CONNECTION:
        listed = addConnectionOptions(value, listed);
        break;
      case TE:
        if (!teKept && hasTrailers(value)) {
          out.push(name, 'trailers');
          teKept = true;
        }
        break;
      case UPGRADE:
        if (keepUpgrade) {
          out.push(name, value);
          upgradeKept = true;
        }
        break;
      case DROP:
        break;
    }
  }
  // Connection may come after the fields it names, so those go in a second, rarely taken, pass.
  if (listed) {
    let kept = 0;
    for (let i = 0; i < out.length; i += 2) {
      const name = out[i] as string;
      if (listed.has(name.toLowerCase())) continue;
      out[kept++] = name;
      out[kept++] = out[i + 1] as string;
    }
    out.length = kept;
  }
  if (upgradeKept) out.push('Connection', 'upgrade');
  return out;
}

/** Node's header objects: names already lower-case (http.IncomingMessage.headers, http2 headers). */
export type HeaderObject = Record<string, string | string[] | undefined>;

/**
 * The same rules on a header object with lower-case names (HTTP/1.1 → HTTP/2 forwarding, where
 * Node refuses connection-specific headers). Pseudo-headers are kept. The new object has no
 * prototype, like Node's own header objects, so a header named `__proto__` is just a header.
 */
export function stripHopByHopObject(headers: Readonly<HeaderObject>, options?: StripOptions): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  let listed: Set<string> | undefined;
  const connection = headers.connection;
  if (connection !== undefined) {
    for (const value of typeof connection === 'string' ? [connection] : connection) listed = addConnectionOptions(value, listed);
  }
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || listed?.has(name)) continue;
    if (!HOP_BY_HOP_HEADERS.has(name)) {
      out[name] = value;
    } else if (name === 'te') {
      if ((typeof value === 'string' ? [value] : value).some(hasTrailers)) out.te = 'trailers';
    } else if (name === 'upgrade' && options?.keepUpgrade === true) {
      out.upgrade = value;
      out.connection = 'upgrade';
    }
  }
  return out;
}

export interface PairOptions extends StripOptions {
  /** Lower-case names also left out (end-to-end fields the proxy carries elsewhere, e.g. host). */
  drop?: ReadonlySet<string>;
}

/** The end-to-end fields of a flat raw list as [name, value] pairs (case, order and repeats kept). */
export function endToEndPairs(raw: readonly string[], options?: PairOptions): NameValue[] {
  const kept = stripHopByHop(raw, options);
  const drop = options?.drop;
  const out: NameValue[] = [];
  for (let i = 0; i < kept.length; i += 2) {
    const name = kept[i] as string;
    if (drop !== undefined && drop.has(name.toLowerCase())) continue;
    out.push([name, kept[i + 1] as string]);
  }
  return out;
}
