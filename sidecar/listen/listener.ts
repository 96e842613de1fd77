// The proxy's traffic listeners. Each accepted connection gets a ConnectionContext (original
// destination, the Service it names), then goes where its port's protocol says: the HTTP/1.1 or
// h2c parser, TCP/TLS routing, or pass-through. Unknown protocols are sniffed briefly, so
// server-speaks-first protocols (MySQL, SMTP) fall back to TCP without stalling.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Destination, MeshView } from '../config/mesh-view.js';
import { passThroughTcp, routeL4, type L4Deps } from '../backend/l4.js';
import { destinationOf, type Discovery } from '../configsync/discovery.js';
import type { ConnectionContext, Direction } from './connection.js';
import { isSameAsLocal, type OrigDstResolver } from './orig-dst.js';
import { sniffProtocol } from './sniff.js';

export interface ListenerDeps extends L4Deps {
  direction: Direction;
  view(): MeshView | undefined;
  origDst: OrigDstResolver;
  /** Where parsed HTTP goes: the servers' 'connection' event takes the socket. */
  http1: { emit(event: 'connection', socket: Duplex): boolean };
  http2: { emit(event: 'connection', socket: Duplex): boolean };
  /** How long to wait for a client's first bytes before treating the connection as opaque TCP. */
  sniffTimeoutMs: number;
  log: Logger;
  /** On-demand config: an unknown original destination is looked up before routing. */
  discovery?: Discovery | undefined;
}

/** Matches the HTTP/1.1 server's headersTimeout: a client this slow is gone. */
const UNREDIRECTED_FIRST_BYTE_MS = 60_000;

const contexts = new WeakMap<Duplex, ConnectionContext>();

/** The context the listener recorded for a socket it handed to an HTTP server. */
export function contextOf(socket: Duplex): ConnectionContext {
  const found = contexts.get(socket);
  if (found) return found;
  // Only reachable for sockets that did not come through a listener (a bug); route by Host.
  return { direction: 'outbound', origDst: undefined, remoteAddress: '', remotePort: 0, localAddress: '', localPort: 0 };
}

export function createListener(deps: ListenerDeps): net.Server {
  const server = net.createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true });
  server.on('connection', (socket) => {
    socket.on('error', () => undefined);
    accept(socket, deps).catch((err: unknown) => {
      deps.log.error({ err }, 'connection handling failed');
      socket.destroy();
    });
  });
  return server;
}

async function accept(socket: net.Socket, deps: ListenerDeps): Promise<void> {
  const reported = deps.origDst(socket);
  // A connection addressed to the listener itself was not redirected; proxying it to "its original
  // destination" would connect the proxy to itself, again and again. It is routed by Host instead.
  const origDst = reported && isSameAsLocal(socket, reported) ? undefined : reported;
  if (origDst && deps.direction === 'outbound' && deps.discovery) {
    // The socket is paused (pauseOnConnect): nothing the client sends is lost while this waits.
    const wanted = destinationOf(origDst, '');
    if (wanted !== undefined && !deps.discovery.known(wanted)) await deps.discovery.ensure(wanted);
  }
  const view = deps.view();
  // Inbound traffic was routed by the caller's proxy; only outbound looks up Services.
  const destination = origDst && view && deps.direction === 'outbound' ? view.byAddress(origDst.address, origDst.port) : undefined;
  const ctx: ConnectionContext = {
    direction: deps.direction,
    origDst,
    destination,
    remoteAddress: socket.remoteAddress ?? '',
    remotePort: socket.remotePort ?? 0,
    localAddress: socket.localAddress ?? '',
    localPort: socket.localPort ?? 0,
  };
  const table = destination?.table;
  // A TCP or TLS route table takes the connection whatever it carries.
  if (destination && (table?.kind === 'tcp' || table?.kind === 'tls')) {
    return routeL4(socket, Buffer.alloc(0), destination, deps.direction, deps);
  }
  const declared = destination?.port.protocol;
  if (destination && declared !== undefined && destination.port.protocolSource !== 'default' && !isHttp(declared)) {
    return routeL4(socket, Buffer.alloc(0), destination, deps.direction, deps);
  }
  socket.resume();
  // The short first-byte wait exists for server-speaks-first protocols, which only a redirected
  // connection can carry (it has somewhere to go). Without an original destination only HTTP can
  // be routed, so a slow client (a loaded machine) gets as long as an HTTP server would give it.
  const firstByteMs = origDst ? deps.sniffTimeoutMs : UNREDIRECTED_FIRST_BYTE_MS;
  const sniffed = await sniffProtocol(socket, { timeoutMs: firstByteMs });
  // Bytes that do not look like HTTP go to the HTTP/1.1 parser anyway (which answers 400) when the
  // port is declared HTTP or has HTTP routes, or when there is nowhere else to send them: falling
  // back to opaque TCP there would let a malformed request (bare LF line endings, say) skip the
  // route rules and reach a lenient backend.
  const httpOnly = sniffed.protocol === 'opaque' && sniffed.head.length > 0 && (declaredHttp(destination) || (!destination && !origDst));
  if (sniffed.protocol === 'http1' || sniffed.protocol === 'h2c' || httpOnly) {
    contexts.set(socket, ctx);
    if (sniffed.head.length > 0) socket.unshift(sniffed.head);
    if (sniffed.protocol === 'h2c') {
      // The HTTP/2 session takes the put-back bytes from the socket's buffer itself (a resume here
      // would spill them as 'data' events nobody reads), and it does not keep half-open sockets.
      socket.allowHalfOpen = false;
      deps.http2.emit('connection', socket);
    } else {
      deps.http1.emit('connection', socket);
      // Node's HTTP/1 parser gets the put-back bytes through 'data', which a paused socket never emits.
      socket.resume();
      // A request body that backs up while those bytes are parsed pauses the socket before the
      // 'resume' event restarts reading, and the server would then read on unchecked (no
      // backpressure while nobody reads the body, e.g. during a discovery wait): say it again.
      socket.once('resume', () => {
        if (socket.readableFlowing === false) socket.emit('pause');
      });
    }
    return;
  }
  if (destination) return routeL4(socket, sniffed.head, destination, deps.direction, deps);
  if (origDst) {
    passThroughTcp(socket, sniffed.head, origDst, deps.direction, deps);
    return;
  }
  // Not redirected and not HTTP: there is no Host to route by, and no address to pass it to.
  deps.log.debug({ remote: ctx.remoteAddress, protocol: sniffed.protocol }, 'non-HTTP connection without an original destination; closed');
  socket.destroy();
}

function declaredHttp(destination: Destination | undefined): boolean {
  if (!destination) return false;
  if (destination.table?.kind === 'http') return true;
  return destination.port.protocolSource !== 'default' && isHttp(destination.port.protocol);
}

function isHttp(protocol: string): boolean {
  return protocol === 'http' || protocol === 'h2c' || protocol === 'grpc' || protocol === 'ws';
}
