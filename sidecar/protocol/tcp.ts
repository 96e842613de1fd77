// Opaque TCP proxying: bytes both ways with backpressure, a half-close carried to the other side
// (the client's FIN becomes a FIN upstream while the response keeps flowing), a reset carried as a
// reset, and the byte counts reported once both sockets are closed.
import net from 'node:net';
import tls from 'node:tls';
import { ProxyError, ProxyErrorCode } from '../errors.js';

export interface TcpTarget {
  host: string;
  port: number;
}

export interface TcpProxyStats {
  /** Bytes written to the upstream, `head` included. */
  bytesSent: number;
  /** Bytes read from the upstream. */
  bytesReceived: number;
  /** The first thing that went wrong; absent for a clean close on both sides. */
  error?: Error;
  /** Whether the upstream connection was ever established. */
  connected: boolean;
}

export interface TcpProxyOptions {
  /** Bytes already read from the downstream (by sniffing); sent upstream before anything else. */
  head?: Buffer;
  /** Destroy both sides if the upstream is not connected by then. Default: no limit. */
  connectTimeoutMs?: number;
  /** Destroy both sides after this long without a byte either way. Default: no limit. */
  idleTimeoutMs?: number;
  onUpstreamConnected?: () => void;
  /** Called once, after both sockets have closed. */
  onClose?: (stats: TcpProxyStats) => void;
  /**
   * Opens the upstream connection for a target (default: plain `net.connect`, half-open allowed).
   * The seam for mTLS origination: a `tls.TLSSocket` returned here counts as connected when its
   * handshake completes.
   */
  connect?: (target: TcpTarget) => net.Socket;
}

/**
 * Proxies `downstream` to `upstream` (a target to connect to, or a socket connected or connecting).
 * The downstream's server must be created with `allowHalfOpen: true`; otherwise a FIN arriving
 * before this call is answered by Node with a FIN of its own. If sniffing already consumed the
 * downstream's end (`readableEnded`), the upstream is half-closed right after `head`.
 */
export function proxyTcp(downstream: net.Socket, upstream: TcpTarget | net.Socket, options: TcpProxyOptions = {}): void {
  const target = upstream instanceof net.Socket ? undefined : upstream;
  if (downstream.destroyed) {
    // Gone while sniffing (reset, error): nothing to proxy, and no reason to connect.
    if (upstream instanceof net.Socket) reset(upstream);
    const error = new Error('downstream closed before proxying');
    queueMicrotask(() => options.onClose?.({ bytesSent: 0, bytesReceived: 0, connected: false, error }));
    return;
  }
  const upstreamSocket = upstream instanceof net.Socket ? upstream : (options.connect ?? connectHalfOpen)(upstream);
  // Both directions close on their own schedule; a FIN on one side must not end the other.
  downstream.allowHalfOpen = true;
  upstreamSocket.allowHalfOpen = true;

  const stats: TcpProxyStats = { bytesSent: 0, bytesReceived: 0, connected: false };
  const timers: NodeJS.Timeout[] = [];

  const fail = (error: Error, how: 'reset' | 'destroy'): void => {
    stats.error ??= error;
    for (const socket of [downstream, upstreamSocket]) {
      if (how === 'reset') reset(socket);
      else socket.destroy();
    }
  };

  const onConnected = (): void => {
    if (stats.connected) return;
    stats.connected = true;
    for (const timer of timers.splice(0)) clearTimeout(timer);
    if (options.idleTimeoutMs !== undefined) {
      const idleTimeoutMs = options.idleTimeoutMs;
      const onIdle = (): void => {
        fail(new ProxyError(ProxyErrorCode.UpstreamTimeout, `no traffic for ${idleTimeoutMs} ms`, errorContext(target, upstreamSocket)), 'destroy');
      };
      for (const socket of [downstream, upstreamSocket]) socket.setTimeout(idleTimeoutMs, onIdle);
    }
    options.onUpstreamConnected?.();
  };

  const isTls = upstreamSocket instanceof tls.TLSSocket;
  if (upstreamSocket.connecting || (isTls && target)) {
    upstreamSocket.once(isTls ? 'secureConnect' : 'connect', onConnected);
    if (options.connectTimeoutMs !== undefined) {
      const connectTimeoutMs = options.connectTimeoutMs;
      timers.push(
        setTimeout(() => {
          const error = new ProxyError(ProxyErrorCode.UpstreamConnect, `connect timed out after ${connectTimeoutMs} ms`, errorContext(target, upstreamSocket));
          fail(error, 'reset');
        }, connectTimeoutMs),
      );
    }
  } else if (!upstreamSocket.destroyed) {
    onConnected();
  }

  const onError = (side: 'downstream' | 'upstream') => (error: Error) => {
    const wrapped =
      side === 'upstream' && !stats.connected
        ? new ProxyError(ProxyErrorCode.UpstreamConnect, `connect failed: ${error.message}`, errorContext(target, upstreamSocket), { cause: error })
        : error;
    fail(wrapped, 'reset');
  };
  downstream.on('error', onError('downstream'));
  upstreamSocket.on('error', onError('upstream'));

  // A socket destroyed before this call may have emitted 'close' already: count it as closed.
  let open = upstreamSocket.destroyed ? 1 : 2;
  const onSocketClose = (closed: net.Socket, other: net.Socket) => () => {
    // A socket closes cleanly only after both of its directions finished, which means the other
    // socket's directions are finishing too; anything else (destroyed early) loses data: reset.
    if (!(closed.readableEnded && closed.writableFinished)) reset(other);
    if (--open === 0) {
      for (const timer of timers.splice(0)) clearTimeout(timer);
      options.onClose?.(stats);
    }
  };
  downstream.once('close', onSocketClose(downstream, upstreamSocket));
  if (upstreamSocket.destroyed) {
    fail(new Error('upstream closed before proxying'), 'reset');
    return;
  }
  upstreamSocket.once('close', onSocketClose(upstreamSocket, downstream));

  if (options.head && options.head.length > 0) {
    stats.bytesSent += options.head.length;
    upstreamSocket.write(options.head);
  }
  relay(downstream, upstreamSocket, (n) => (stats.bytesSent += n));
  relay(upstreamSocket, downstream, (n) => (stats.bytesReceived += n));
}

function connectHalfOpen(target: TcpTarget): net.Socket {
  return net.connect({ host: target.host, port: target.port, allowHalfOpen: true });
}

/** Copies `from` into `to` with backpressure, and turns `from`'s end into `to`'s end. */
function relay(from: net.Socket, to: net.Socket, count: (bytes: number) => void): void {
  const endTo = (): void => {
    if (!to.destroyed) to.end();
  };
  if (from.readableEnded) {
    endTo();
    return;
  }
  from.on('data', (chunk: Buffer) => {
    if (to.destroyed) return;
    count(chunk.length);
    if (!to.write(chunk)) from.pause();
  });
  to.on('drain', () => from.resume());
  from.once('end', endTo);
  from.resume();
}

/** Abort with a TCP RST where the socket allows it (plain TCP), so the peer sees a reset. */
function reset(socket: net.Socket): void {
  if (socket.destroyed) return;
  if (socket.connecting) {
    socket.destroy();
    return;
  }
  try {
    socket.resetAndDestroy();
  } catch {
    // Not a TCP handle (e.g. a TLS socket): a plain close is the best we can do.
    socket.destroy();
  }
}

function errorContext(target: TcpTarget | undefined, socket: net.Socket): Record<string, string | number | undefined> {
  return { host: target?.host ?? socket.remoteAddress, port: target?.port ?? socket.remotePort };
}
