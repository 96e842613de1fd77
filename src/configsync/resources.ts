// Names, bodies and versions of the resources a config delta carries, and the destination names a
// proxy subscribes to. Shared by the server and the sidecar's client, so both spell them alike.
import { createHash } from 'node:crypto';
import { canonicalJson, type ServiceRef } from '../ir/index.js';
import { canonicalIp } from '../ir/index.js';

export { canonicalIp } from '../ir/index.js';

export type ResourceKind = 'service' | 'endpoints' | 'destination' | 'gateway';

/** `service/<ns>/<name>`: the Service's ServiceIR (consumer tables only for the proxy's namespace). */
export function serviceResourceName(ref: ServiceRef): string {
  return `service/${ref.namespace}/${ref.name}`;
}

/** `endpoints/<ns>/<name>`: the Service's EndpointSetIR. */
export function endpointsResourceName(ref: ServiceRef): string {
  return `endpoints/${ref.namespace}/${ref.name}`;
}

/** `destination/<dest>`: what a subscribed destination resolved to (a DestinationBody). */
export function destinationResourceName(destination: string): string {
  return `destination/${destination}`;
}

/**
 * `gateway/<class>`: the GatewayClassIR of one class, certificates and keys included, so only
 * proxies allowed to serve the class get it.
 */
export function gatewayResourceName(className: string): string {
  return `gateway/${className}`;
}

const NAMESPACED_KEY = /^[^/]+\/[^/]+$/;
// GatewayClass names are cluster-scoped object names: no slash, never empty.
const CLASS_NAME = /^[^/]+$/;

/** The kind and key (`ns/name`, or the destination) of a resource name; undefined if malformed. */
export function parseResourceName(name: string): { kind: ResourceKind; key: string } | undefined {
  const slash = name.indexOf('/');
  if (slash < 0) return undefined;
  const kind = name.slice(0, slash);
  const key = name.slice(slash + 1);
  switch (kind) {
    case 'service':
    case 'endpoints':
      return NAMESPACED_KEY.test(key) ? { kind, key } : undefined;
    case 'destination':
      return key === '' ? undefined : { kind, key };
    case 'gateway':
      return CLASS_NAME.test(key) ? { kind, key } : undefined;
    default:
      return undefined;
  }
}

/**
 * Body of `destination/<dest>`: the Services it resolved to, as `ns/name`; [] = not in the mesh.
 * For `gateway:<class>`: every backend and mirror Service of the class's route tables ([] when the
 * class is unknown or the proxy may not serve it).
 */
export interface DestinationBody {
  services: string[];
}

/** Canonical JSON (sorted keys, no whitespace) in UTF-8: equal values give equal bytes. */
export function encodeBody(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

export function decodeBody(body: Uint8Array): unknown {
  return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
}

/** Content version of a body: the first 16 hex digits of its SHA-256 (collisions are not a concern at mesh sizes). */
export function bodyVersion(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

// ---------------------------------------------------------------------------------------------
// Destinations: `ip:<canonical ip>` | `host:<lowercased name>` | `inbound` | `gateway:<class>`.

export const INBOUND_DESTINATION = 'inbound';

const GATEWAY_PREFIX = 'gateway:';

/** `gateway:<class>`: a gateway proxy's listeners, the backends of their routes and their endpoints. */
export function gatewayDestination(className: string): string {
  return `${GATEWAY_PREFIX}${className}`;
}

/** `ip:<canonical ip>`. Text that is no IP address is kept lowercased (it resolves to nothing). */
export function ipDestination(ip: string): string {
  return `ip:${canonicalIp(ip) ?? ip.trim().toLowerCase()}`;
}

/**
 * `host:<name>`, lowercased, without a trailing dot and without port (the caller strips it). An IP
 * literal used as a host name (`Host: 10.96.0.10`) is the same destination as that IP: `ip:…`.
 */
export function hostDestination(host: string): string {
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  const ip = canonicalIp(name);
  return ip === undefined ? `host:${name}` : `ip:${ip}`;
}

export type ParsedDestination =
  | { kind: 'ip'; ip: string }
  | { kind: 'host'; host: string }
  | { kind: 'inbound' }
  | { kind: 'gateway'; className: string };

/** What a destination names, normalized; undefined for a string that is no destination. */
export function parseDestination(destination: string): ParsedDestination | undefined {
  if (destination === INBOUND_DESTINATION) return { kind: 'inbound' };
  if (destination.startsWith(GATEWAY_PREFIX)) {
    // Taken as written: class names are case-sensitive object names.
    const className = destination.slice(GATEWAY_PREFIX.length);
    return CLASS_NAME.test(className) ? { kind: 'gateway', className } : undefined;
  }
  if (destination.startsWith('ip:')) {
    const ip = canonicalIp(destination.slice(3));
    return ip === undefined ? undefined : { kind: 'ip', ip };
  }
  if (destination.startsWith('host:')) {
    const normalized = hostDestination(destination.slice(5));
    if (normalized.startsWith('ip:')) return { kind: 'ip', ip: normalized.slice(3) };
    const host = normalized.slice(5);
    return host === '' ? undefined : { kind: 'host', host };
  }
  return undefined;
}
