// The kernel's answer to "where was this redirected connection going?": getsockopt(SO_ORIGINAL_DST)
// on the accepted socket, which reads the destination conntrack saw before iptables' REDIRECT.
// Node has no binding for it, so this one call goes through koffi (FFI), loaded on first use.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { constants, endianness } from 'node:os';
import type Koffi from 'koffi';
import type { LibraryHandle } from 'koffi';
import { isSameAsLocal, type OrigDstResolver, type OriginalDestination } from './orig-dst.js';

/** Why the original destination could not be read; the connection is then treated as not redirected. */
export interface OrigDstFailure {
  /** `FFI_UNAVAILABLE`, `NO_FD`, or the errno name of getsockopt (`ENOENT`: no conntrack entry, i.e. not NATed). */
  code: string;
  message: string;
}

const SOL_IP = 0;
const SOL_IPV6 = 41;
const SO_ORIGINAL_DST = 80; // linux/netfilter_ipv4.h
const IP6T_SO_ORIGINAL_DST = 80; // linux/netfilter_ipv6/ip6_tables.h
const AF_INET = 2;
const AF_INET6 = 10;
const SOCKADDR_IN_SIZE = 16;
const SOCKADDR_IN6_SIZE = 28;

type GetSockOpt = (fd: number, level: number, name: number, value: Uint8Array, length: [number]) => number;
interface Ffi {
  getsockopt: GetSockOpt;
  errno: () => number;
}

let ffi: Ffi | OrigDstFailure | undefined;
let lastFailure: OrigDstFailure | undefined;

/**
 * A resolver that reports each failure to `onFailure` (e.g. to log it once per code) and answers
 * undefined: a connection whose original destination is unknown is handled as not redirected.
 */
export function createSoOriginalDst(onFailure: (failure: OrigDstFailure) => void = () => undefined): OrigDstResolver {
  return (socket) => {
    const result = readOriginalDst(socket);
    if ('code' in result) {
      lastFailure = result;
      onFailure(result);
      return undefined;
    }
    // Where conntrack is active but did not NAT the connection, the kernel answers the socket's
    // own address: that is "not redirected" too.
    return isSameAsLocal(socket, result) ? undefined : result;
  };
}

/** SO_ORIGINAL_DST of an accepted socket (IPv4, IPv4-mapped or IPv6); undefined when not redirected or unknown. */
export const soOriginalDst: OrigDstResolver = createSoOriginalDst();

/** The most recent failure of any SO_ORIGINAL_DST resolver in this process (undefined: none yet). */
export function soOriginalDstLastError(): OrigDstFailure | undefined {
  return lastFailure;
}

function readOriginalDst(socket: Socket): OriginalDestination | OrigDstFailure {
  const loaded = loadFfi();
  if ('code' in loaded) return loaded;
  // Node exposes no public file descriptor for a net.Socket; its libuv handle (TCPWrap) has `fd`
  // on Unix. `any` because _handle is internal and untyped; a missing or -1 fd is reported.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access
  const fd: unknown = (socket as any)._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return { code: 'NO_FD', message: 'the socket has no file descriptor (closed, or not a TCP socket)' };
  // An IPv6 socket carrying IPv4 (::ffff:a.b.c.d) was NATed by iptables, not ip6tables: ask SOL_IP.
  const local = socket.localAddress ?? '';
  const ipv6 = local.includes(':') && !local.toLowerCase().startsWith('::ffff:');
  const buffer = new Uint8Array(ipv6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE);
  const length: [number] = [buffer.length];
  const rc = ipv6 ? loaded.getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, buffer, length) : loaded.getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, buffer, length);
  if (rc !== 0) {
    const errno = loaded.errno();
    const name = errnoName(errno);
    const hint = name === 'ENOENT' ? ' (no NAT entry: the connection was not redirected by iptables)' : '';
    return { code: name, message: `getsockopt(${ipv6 ? 'IP6T_SO_ORIGINAL_DST' : 'SO_ORIGINAL_DST'}) failed: ${name}${hint}` };
  }
  return decodeSockaddr(Buffer.from(buffer.buffer, buffer.byteOffset, length[0]));
}

/** sockaddr_in / sockaddr_in6: family in host byte order, then the port and address in network order. */
function decodeSockaddr(raw: Buffer): OriginalDestination | OrigDstFailure {
  const family = raw.length >= 2 ? (endianness() === 'LE' ? raw.readUInt16LE(0) : raw.readUInt16BE(0)) : -1;
  if (family === AF_INET && raw.length >= 8) {
    return { address: [...raw.subarray(4, 8)].join('.'), port: raw.readUInt16BE(2) };
  }
  if (family === AF_INET6 && raw.length >= 24) {
    const groups = Array.from({ length: 8 }, (_, i) => raw.readUInt16BE(8 + i * 2).toString(16));
    // The WHATWG URL parser prints IPv6 in the canonical compressed form (RFC 5952).
    const address = new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
    return { address, port: raw.readUInt16BE(2) };
  }
  return { code: 'EAFNOSUPPORT', message: `getsockopt(SO_ORIGINAL_DST) returned address family ${family} (${raw.length} bytes)` };
}

function loadFfi(): Ffi | OrigDstFailure {
  if (ffi) return ffi;
  try {
    // Loaded on first use, synchronously (resolvers are synchronous): a proxy that never reads
    // SO_ORIGINAL_DST (local mode) never loads native code.
    const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
    const libc = loadLibc(koffi);
    const getsockopt = libc.func('int getsockopt(int fd, int level, int optname, _Out_ uint8_t *optval, _Inout_ uint32_t *optlen)') as unknown as GetSockOpt;
    ffi = { getsockopt, errno: () => koffi.errno() };
  } catch (error) {
    ffi = { code: 'FFI_UNAVAILABLE', message: `cannot call getsockopt through koffi: ${error instanceof Error ? error.message : String(error)}` };
  }
  return ffi;
}

/** glibc by name; elsewhere (musl) the symbols Node itself is linked with. */
function loadLibc(koffi: typeof Koffi): LibraryHandle {
  try {
    return koffi.load('libc.so.6');
  } catch {
    return koffi.load(null);
  }
}

function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(constants.errno)) if (value === errno) return name;
  return `errno ${errno}`;
}
