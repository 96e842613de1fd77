// A connection accepted on a gateway TCP port goes where the port's config says: HTTP listeners to
// the HTTP/1.1 or h2c parser (as the sidecar's listeners hand them over), TLS listeners to the SNI
// choice (tls-terminate.ts), a TCP listener to its TCPRoute. Each connection is served under the
// config current when it arrived; requests on it look up the current routes.
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import type { Logger } from 'pino';
import type { ConnectionContext, GatewayEntry } from '../listen/connection.js';
import { sniffProtocol } from '../listen/sniff.js';
import { forwardTcp, type GatewayL4Deps } from './l4-forward.js';
import { acceptTls, type CertificateStore } from './tls-terminate.js';
import type { GatewayView } from './view.js';

/** The parts of one applied config a new connection is served with. */
export interface GatewayConfig {
  view: GatewayView;
  certificates: CertificateStore;
}

export interface AcceptDeps {
  config(): GatewayConfig | undefined;
  /** The HTTP servers the parsed connections go to ('connection' takes the socket). */
  http1: { emit(event: 'connection', socket: Duplex): boolean };
  http2: { emit(event: 'connection', socket: Duplex): boolean };
  /** Records what the HTTP servers' contextOf gives for the socket. */
  remember(socket: Duplex, context: ConnectionContext): void;
  l4: GatewayL4Deps;
  log: Logger;
  /** ClientHello and TLS handshake deadline. */
  handshakeTimeoutMs: number;
}

/** Matches the HTTP/1.1 server's headersTimeout: a client this slow is gone. */
const FIRST_BYTE_MS = 60_000;

export function acceptGatewayConnection(socket: net.Socket, listenerPort: number, deps: AcceptDeps): void {
  serve(socket, listenerPort, deps).catch((err: unknown) => {
    deps.log.error({ err, port: listenerPort }, 'gateway connection handling failed');
    socket.destroy();
  });
}

async function serve(socket: net.Socket, listenerPort: number, deps: AcceptDeps): Promise<void> {
  const config = deps.config();
  const port = config?.view.port(listenerPort, 'TCP');
  if (!config || !port || port.kind === 'udp') {
    // The port is on its way out (or no config yet): nothing here serves it.
    socket.destroy();
    return;
  }
  // Addresses are read now: once a TLS socket wraps the connection, this one is only a shell.
  const addresses = addressesOf(socket);
  const context = (gateway: GatewayEntry): ConnectionContext => ({ ...addresses, gateway });
  switch (port.kind) {
    case 'tcp':
      forwardTcp(socket, Buffer.alloc(0), listenerPort, port.table, deps.l4);
      return;
    case 'tls':
      return acceptTls(socket, listenerPort, () => deps.config(), {
        l4: deps.l4,
        log: deps.log,
        handshakeTimeoutMs: deps.handshakeTimeoutMs,
        serveHttp: (tlsSocket, protocol, listener) => {
          handToHttp(tlsSocket, protocol, context({ port: listenerPort, scheme: 'https', listener: listener.hostname }), deps);
        },
      });
    case 'http':
      return acceptHttp(socket, context({ port: listenerPort, scheme: 'http' }), deps);
  }
}

/** Plain HTTP ports speak HTTP/1.1 or h2c with prior knowledge; anything else meets the HTTP/1.1 parser (400). */
async function acceptHttp(socket: net.Socket, context: ConnectionContext, deps: AcceptDeps): Promise<void> {
  socket.resume();
  const sniffed = await sniffProtocol(socket, { timeoutMs: FIRST_BYTE_MS });
  if (sniffed.head.length === 0) {
    socket.destroy();
    return;
  }
  deps.remember(socket, context);
  socket.unshift(sniffed.head);
  if (sniffed.protocol === 'h2c') {
    // As in listen/listener.ts: the session drains the put-back bytes itself, and keeps no half-open socket.
    socket.allowHalfOpen = false;
    deps.http2.emit('connection', socket);
    return;
  }
  deps.http1.emit('connection', socket);
  // Node's HTTP/1 parser gets the put-back bytes through 'data', which a paused socket never emits;
  // and a body that backs up before 'resume' restarts reading must pause the socket again.
  socket.resume();
  socket.once('resume', () => {
    if (socket.readableFlowing === false) socket.emit('pause');
  });
}

function handToHttp(tlsSocket: tls.TLSSocket, protocol: 'h2' | 'http/1.1', context: ConnectionContext, deps: AcceptDeps): void {
  deps.remember(tlsSocket, context);
  if (protocol === 'h2') deps.http2.emit('connection', tlsSocket);
  else deps.http1.emit('connection', tlsSocket);
}

function addressesOf(socket: net.Socket): Omit<ConnectionContext, 'gateway'> {
  return {
    direction: 'gateway',
    origDst: undefined,
    remoteAddress: socket.remoteAddress ?? '',
    remotePort: socket.remotePort ?? 0,
    localAddress: socket.localAddress ?? '',
    localPort: socket.localPort ?? 0,
  };
}
