// A gateway UDP listener: one socket on the listener port, and per client address:port a session
// with its own connected socket to one endpoint of the UDPRoute's weighted backends. Replies go
// back to the client from the listener socket; a session ends after a quiet spell either way.
import dgram from 'node:dgram';
import net from 'node:net';
import type { UdpRouteTable } from '../../src/ir/index.js';
import { ruleKey } from '../../src/ir/index.js';
import { chooseWeighted } from '../backend/weighted.js';
import type { Lease } from '../endpoint/balancer.js';
import { GATEWAY_DIRECTION, type GatewayL4Deps } from './l4-forward.js';

/** Sessions kept at most; past it the oldest is evicted, so a flood of source ports cannot exhaust memory. */
export const DEFAULT_MAX_UDP_SESSIONS = 10_000;
/** Datagrams held while a new session's upstream socket connects (a few ms); more are dropped, as UDP may. */
const MAX_PENDING_DATAGRAMS = 64;

export interface UdpPortDeps extends GatewayL4Deps {
  idleTimeoutMs: number;
  maxSessions?: number;
}

interface UdpSession {
  readonly key: string;
  readonly client: { address: string; port: number };
  readonly upstream: dgram.Socket;
  readonly lease: Lease;
  /** `ns/name:port` of the backend Service, for logs and metrics. */
  readonly backend: string;
  /** Datagrams waiting for the upstream socket to connect; undefined once connected. */
  pending: Buffer[] | undefined;
  lastActive: number;
  timer: NodeJS.Timeout | undefined;
  closed: boolean;
}

export class UdpPort {
  readonly #deps: UdpPortDeps;
  readonly #maxSessions: number;
  #table: UdpRouteTable | undefined;
  #idleTimeoutMs: number;
  #socket: dgram.Socket | undefined;
  #closing: Promise<void> | undefined;
  /** In creation order: the first entry is the oldest session. */
  readonly #sessions = new Map<string, UdpSession>();

  constructor(deps: UdpPortDeps) {
    this.#deps = deps;
    this.#idleTimeoutMs = deps.idleTimeoutMs;
    this.#maxSessions = deps.maxSessions ?? DEFAULT_MAX_UDP_SESSIONS;
  }

  /** Sessions open now. */
  get sessions(): number {
    return this.#sessions.size;
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    if (this.#socket) return Promise.reject(new Error('UDP port already listening'));
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    this.#socket = socket;
    socket.on('message', (datagram, from) => {
      this.#fromClient(datagram, from);
    });
    return new Promise((resolve, reject) => {
      const onBindError = (error: Error): void => {
        this.#socket = undefined;
        reject(error);
      };
      socket.once('error', onBindError);
      socket.bind(port, host, () => {
        socket.off('error', onBindError);
        socket.on('error', (error) => {
          this.#deps.log.warn({ err: error, port }, 'gateway UDP listener socket error');
        });
        const bound = socket.address();
        resolve({ host: bound.address, port: bound.port });
      });
    });
  }

  /** New config: new sessions use the new table; existing sessions keep their endpoint until idle. */
  apply(table: UdpRouteTable | undefined, idleTimeoutMs: number): void {
    this.#table = table;
    if (idleTimeoutMs === this.#idleTimeoutMs) return;
    this.#idleTimeoutMs = idleTimeoutMs;
    for (const session of this.#sessions.values()) this.#armIdle(session);
  }

  close(): Promise<void> {
    this.#closing ??= new Promise((resolve) => {
      for (const session of [...this.#sessions.values()]) this.#closeSession(session, 'listener closed');
      const socket = this.#socket;
      if (!socket) {
        resolve();
        return;
      }
      socket.close(() => {
        resolve();
      });
    });
    return this.#closing;
  }

  #fromClient(datagram: Buffer, from: dgram.RemoteInfo): void {
    if (this.#closing) return;
    const key = `${from.address}|${from.port}`;
    const session = this.#sessions.get(key) ?? this.#openSession(key, from);
    if (!session) return;
    session.lastActive = performance.now();
    if (session.pending) {
      if (session.pending.length >= MAX_PENDING_DATAGRAMS) this.#deps.metrics.udpDropped(GATEWAY_DIRECTION, 'queue_full');
      else session.pending.push(datagram);
      return;
    }
    this.#sendUpstream(session, datagram);
  }

  #openSession(key: string, from: dgram.RemoteInfo): UdpSession | undefined {
    const deps = this.#deps;
    const table = this.#table;
    const where = { client: `${from.address}:${from.port}`, rule: table ? ruleKey(table.rule.id) : undefined };
    if (!table) {
      deps.metrics.udpDropped(GATEWAY_DIRECTION, 'no_route');
      deps.log.debug(where, 'gateway UDP listener has no UDPRoute; datagram dropped');
      return undefined;
    }
    const backend = chooseWeighted(table.rule.backends, deps.random);
    if (!backend || backend.kind === 'Invalid') {
      deps.metrics.udpDropped(GATEWAY_DIRECTION, 'no_backend');
      deps.log.debug({ ...where, reason: backend?.reason ?? 'NoBackend' }, 'invalid or no backend for the UDP session; datagram dropped');
      return undefined;
    }
    const label = `${backend.service.namespace}/${backend.service.name}:${backend.port}`;
    const lease = deps.clusters.pick(backend.service, backend.port, undefined, 'UDP');
    if (!lease) {
      deps.metrics.udpDropped(GATEWAY_DIRECTION, 'no_endpoint');
      deps.log.debug({ ...where, backend: label }, 'no UDP endpoint for the backend; datagram dropped');
      return undefined;
    }
    if (this.#sessions.size >= this.#maxSessions) {
      const oldest = this.#sessions.values().next().value;
      if (oldest) this.#closeSession(oldest, 'evicted: session limit reached');
    }

    const { address, port } = lease.endpoint;
    const upstream = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
    const session: UdpSession = {
      key,
      client: { address: from.address, port: from.port },
      upstream,
      lease,
      backend: label,
      pending: [],
      lastActive: performance.now(),
      timer: undefined,
      closed: false,
    };
    this.#sessions.set(key, session);
    upstream.on('message', (reply) => {
      this.#fromUpstream(session, reply);
    });
    upstream.on('error', (error) => {
      deps.log.debug({ ...where, backend: label, endpoint: lease.key, err: error }, 'gateway UDP upstream socket error');
      this.#closeSession(session, 'upstream error');
    });
    upstream.connect(port, address, () => {
      const pending = session.pending ?? [];
      session.pending = undefined;
      for (const datagram of pending) this.#sendUpstream(session, datagram);
    });
    this.#armIdle(session);
    deps.metrics.udpSessionOpened(GATEWAY_DIRECTION, label);
    deps.log.debug({ ...where, backend: label, endpoint: lease.key }, 'gateway UDP session opened');
    return session;
  }

  #sendUpstream(session: UdpSession, datagram: Buffer): void {
    if (session.closed) return;
    this.#deps.metrics.udpDatagram(GATEWAY_DIRECTION, session.backend, 'sent', datagram.length);
    session.upstream.send(datagram, (error) => {
      if (!error) return;
      // A connected socket hears of an ICMP port unreachable on its next send: the endpoint is
      // gone, so the session ends and the client's next datagram picks an endpoint afresh.
      this.#deps.metrics.udpDropped(GATEWAY_DIRECTION, 'send_failed');
      this.#deps.log.debug({ backend: session.backend, endpoint: session.lease.key, err: error }, 'gateway UDP send to the backend failed');
      this.#closeSession(session, 'upstream send failed');
    });
  }

  #fromUpstream(session: UdpSession, reply: Buffer): void {
    const socket = this.#socket;
    if (session.closed || !socket) return;
    session.lastActive = performance.now();
    this.#deps.metrics.udpDatagram(GATEWAY_DIRECTION, session.backend, 'received', reply.length);
    socket.send(reply, session.client.port, session.client.address, (error) => {
      if (error) this.#deps.log.debug({ client: `${session.client.address}:${session.client.port}`, err: error }, 'gateway UDP reply to the client failed');
    });
  }

  /** (Re)starts the idle check: it fires when the session may have been quiet for the timeout. */
  #armIdle(session: UdpSession): void {
    if (session.timer) clearTimeout(session.timer);
    const check = (): void => {
      const quiet = performance.now() - session.lastActive;
      if (quiet >= this.#idleTimeoutMs) {
        this.#closeSession(session, 'idle');
        return;
      }
      // Traffic since the timer was set: wait for the rest of the timeout from the last datagram.
      session.timer = setTimeout(check, Math.max(1, Math.ceil(this.#idleTimeoutMs - quiet)));
      session.timer.unref();
    };
    session.timer = setTimeout(check, this.#idleTimeoutMs);
    session.timer.unref();
  }

  #closeSession(session: UdpSession, reason: string): void {
    if (session.closed) return;
    session.closed = true;
    if (session.timer) clearTimeout(session.timer);
    if (this.#sessions.get(session.key) === session) this.#sessions.delete(session.key);
    try {
      session.upstream.close();
    } catch {
      // Already closed (an error closed it first): nothing left to release.
    }
    session.lease.release();
    this.#deps.metrics.udpSessionClosed(GATEWAY_DIRECTION, session.backend);
    this.#deps.log.debug({ client: `${session.client.address}:${session.client.port}`, backend: session.backend, reason }, 'gateway UDP session closed');
  }
}
