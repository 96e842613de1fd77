// Gateway listeners that move bytes, not requests: a TCP listener's TCPRoute, and a TLS listener's
// TLSRoute either passed through by SNI (the client's handshake is with the backend) or after
// termination (the plaintext goes on as TCP). The bytes are moved by protocol/tcp.ts.
import type net from 'node:net';
import type tls from 'node:tls';
import type { L4BackendIR, ListenerRef, RuleRef, TcpRouteTable, TlsListenerIR } from '../../src/ir/index.js';
import { ruleKey } from '../../src/ir/index.js';
import type { L4Deps } from '../backend/l4.js';
import { chooseWeighted } from '../backend/weighted.js';
import { proxyTcp } from '../protocol/tcp.js';
import { chooseSni } from '../route/sni.js';

/** What the gateway's L4 paths need: the sidecar's L4 dependencies, shared with the HTTP side. */
export type GatewayL4Deps = L4Deps;

/** Metrics direction of everything the gateway serves (north-south). */
export const GATEWAY_DIRECTION = 'gateway';

/** `ns/gateway/listener`, as logs name a listener. */
export function listenerLabel(ref: ListenerRef): string {
  return `${ref.gateway.namespace}/${ref.gateway.name}/${ref.name}`;
}

/** A TCP listener: the port's one TCPRoute rule, or a reset when there is none, the backend is invalid or has no endpoint. */
export function forwardTcp(socket: net.Socket, head: Buffer, port: number, table: TcpRouteTable | undefined, deps: GatewayL4Deps): void {
  if (!table) {
    deps.log.debug({ port }, 'gateway TCP listener has no TCPRoute; connection reset');
    abort(socket);
    return;
  }
  forwardToRule(socket, head, { port }, table.rule.id, table.rule.backends, deps);
}

/**
 * A TLS listener in Passthrough mode, chosen by SNI already: the TLSRoute rule for `sni` gets the
 * bytes unchanged, `head` (the peeked ClientHello) first, so the client's handshake is with the backend.
 */
export function passthroughTls(socket: net.Socket, head: Buffer, listener: TlsListenerIR, sni: string, deps: GatewayL4Deps): void {
  forwardBySni(socket, head, listener, sni, deps);
}

/** A TLS listener in Terminate mode: the decrypted stream goes to the TLSRoute rule's backend as plain TCP. */
export function forwardTerminatedTls(tlsSocket: tls.TLSSocket, listener: TlsListenerIR, sni: string, deps: GatewayL4Deps): void {
  forwardBySni(tlsSocket, Buffer.alloc(0), listener, sni, deps);
}

function forwardBySni(socket: net.Socket, head: Buffer, listener: TlsListenerIR, sni: string, deps: GatewayL4Deps): void {
  const where = { listener: listenerLabel(listener.listener), mode: listener.mode, sni };
  const choice = listener.tls ? chooseSni(listener.tls, sni) : undefined;
  if (!choice) {
    deps.log.debug(where, 'no TLSRoute rule for this SNI on the listener; connection closed');
    abort(socket);
    return;
  }
  forwardToRule(socket, head, where, choice.rule.id, choice.rule.backends, deps);
}

/**
 * The shared end of every gateway L4 path: a weighted backend of the rule, an endpoint of it, and
 * proxyTcp (half-close, resets, byte counts) to it. TCP has no status code: an invalid backend or one
 * without endpoints is the spec's "reject the connection", a reset.
 */
function forwardToRule(
  socket: net.Socket,
  head: Buffer,
  where: Record<string, string | number>,
  rule: RuleRef,
  backends: readonly L4BackendIR[],
  deps: GatewayL4Deps,
): void {
  const context = { ...where, rule: ruleKey(rule) };
  const backend = chooseWeighted(backends, deps.random);
  if (!backend || backend.kind === 'Invalid') {
    deps.log.debug({ ...context, reason: backend?.reason ?? 'NoBackend' }, 'invalid or no backend for the connection; reset');
    abort(socket);
    return;
  }
  const label = `${backend.service.namespace}/${backend.service.name}:${backend.port}`;
  const lease = deps.clusters.pick(backend.service, backend.port);
  if (!lease) {
    deps.log.debug({ ...context, backend: label }, 'no endpoint for the backend; connection reset');
    abort(socket);
    return;
  }
  const target = { host: lease.endpoint.address, port: lease.endpoint.port };
  deps.log.debug({ ...context, backend: label, endpoint: lease.key }, 'gateway connection forwarded');
  deps.metrics.tcpOpened(GATEWAY_DIRECTION, label);
  proxyTcp(socket, target, {
    head,
    connectTimeoutMs: deps.connectTimeoutMs,
    onClose: (stats) => {
      lease.release();
      deps.metrics.tcpClosed(GATEWAY_DIRECTION, label, stats.bytesSent, stats.bytesReceived);
      if (stats.error) deps.log.debug({ ...context, backend: label, endpoint: lease.key, err: stats.error }, 'gateway connection ended with an error');
    },
  });
}

/** A TCP reset where the socket is plain TCP; a TLS socket (terminated) can only be destroyed. */
function abort(socket: net.Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
