// One spelling per IP address, so a destination named by a proxy (from a socket's original
// destination, maybe `::ffff:`-mapped) and a ClusterIP written in a Service compare equal.
// A small copy of the sidecar resolver's helper: src/configsync may not import sidecar/.

const IPV4 = /^[0-9]{1,3}(?:\.[0-9]{1,3}){3}$/;
const MAPPED_IPV4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * IPv4 dotted without leading zeros, IPv6 lowercased and compressed (RFC 5952), an IPv4-mapped
 * IPv6 address (`::ffff:10.0.0.1`) as its IPv4 address; undefined when `text` is no IP address.
 * Brackets around IPv6 literals are accepted.
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
