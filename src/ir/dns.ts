// How a pod names a Service: one spelling per IP address, and the names its resolver tries for a
// host (search list `<ns>.svc.<domain> svc.<domain> <domain>`, ndots 5). Shared by the proxy's
// resolver, `sidelane explain` and the config server, so all three agree on what a name means.
import type { ServiceIR } from './service.js';

const IPV4 = /^[0-9]{1,3}(?:\.[0-9]{1,3}){3}$/;
const MAPPED_IPV4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;
const NDOTS = 5;

/**
 * IPv4 dotted without leading zeros, IPv6 lowercased and compressed (RFC 5952), an IPv4-mapped
 * IPv6 address (`::ffff:10.0.0.1`, what a dual-stack socket reports) as its IPv4 address;
 * undefined when `text` is no IP address. Brackets around IPv6 literals are accepted.
 */
export function canonicalIp(text: string): string | undefined {
  const bare = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (IPV4.test(bare)) {
    const octets = bare.split('.').map(Number);
    return octets.every((o) => o <= 255) ? octets.join('.') : undefined;
  }
  if (!bare.includes(':')) return undefined;
  let compressed: string;
  try {
    // The WHATWG URL parser canonicalizes IPv6 literals: no I/O, just parsing.
    compressed = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const mapped = MAPPED_IPV4.exec(compressed);
  if (mapped) {
    const high = parseInt(mapped[1] ?? '0', 16);
    const low = parseInt(mapped[2] ?? '0', 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return compressed;
}

/**
 * The fully qualified names the resolver tries for `host` (lowercase) from namespace `from`, in its
 * order: search domains first unless the name has ≥ ndots dots; a trailing dot means absolute.
 */
export function searchNames(host: string, from: string, domain: string): { fqdn: string; searchDomain?: string }[] {
  if (host.endsWith('.')) return [{ fqdn: host.slice(0, -1) }];
  const searched = [`${from}.svc.${domain}`, `svc.${domain}`, domain].map((d) => ({ fqdn: `${host}.${d}`, searchDomain: d }));
  const absolute = { fqdn: host };
  const dots = host.split('.').length - 1;
  return dots >= NDOTS ? [absolute, ...searched] : [...searched, absolute];
}

/** The Service's cluster DNS name (lowercase), as the translator listed it or as cluster DNS forms it. */
export function serviceFqdn(service: ServiceIR, domain: string): string {
  const suffix = `.svc.${domain}`;
  const listed = service.hostnames.find((h) => h.toLowerCase().endsWith(suffix));
  return (listed ?? `${service.ref.name}.${service.ref.namespace}${suffix}`).toLowerCase();
}
