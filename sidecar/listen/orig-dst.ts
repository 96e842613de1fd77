// The original destination of a connection that iptables redirected to the sidecar: where the
// application meant to go, which decides the outbound route. A seam, so local mode (no redirection)
// and the kernel lookup (SO_ORIGINAL_DST) plug in the same way.
import type { Socket } from 'node:net';
import { canonicalIp } from '../../src/ir/dns.js';

export interface OriginalDestination {
  address: string;
  port: number;
}

/** The original destination of an accepted socket, or undefined when it was not redirected. */
export type OrigDstResolver = (socket: Socket) => OriginalDestination | undefined;

/** Local mode: connections arrive at the listener they were addressed to. */
export const notRedirected: OrigDstResolver = () => undefined;

// The kernel lookup for connections iptables redirected is `soOriginalDst` (so-original-dst.ts).

/**
 * Whether `origDst` is the socket's own local address and port: the connection was addressed to
 * the listener itself, not redirected (and proxying it "to its original destination" would loop).
 */
export function isSameAsLocal(socket: Socket, origDst: OriginalDestination): boolean {
  const local = socket.localAddress;
  if (local === undefined || socket.localPort !== origDst.port) return false;
  // canonicalIp: `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1, IPv6 hex is case-free.
  return (canonicalIp(local) ?? local) === (canonicalIp(origDst.address) ?? origDst.address);
}
