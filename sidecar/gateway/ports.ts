// The gateway's bound ports, kept in step with the applied config: a port new in the config is
// bound, one gone from it stops accepting and its open connections get a drain period, an unchanged
// one is left alone (its connections never notice a config change). A TCP port's server asks the
// current config what the port speaks per connection, so a port that changes kind is not rebound.
import net from 'node:net';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { GatewayPortIR, UdpRouteTable } from '../../src/ir/index.js';
import { GatewayErrorCode } from '../errors.js';
import type { PortTransport } from './view.js';

export interface BoundPort {
  host: string;
  port: number;
  transport: PortTransport;
}

/** What a UDP listener port is to the port set (udp.ts's UdpPort). */
export interface UdpListener {
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  apply(table: UdpRouteTable | undefined, idleTimeoutMs: number): void;
  close(): Promise<void>;
}

export interface GatewayPortsOptions {
  /** Bind address of every port. */
  host: string;
  /** Added to each listener port when binding (local use without root). */
  portOffset: number;
  log: Logger;
  registry: Registry;
  /** A connection accepted on a TCP listener port (paused: pauseOnConnect). */
  onConnection(socket: net.Socket, listenerPort: number): void;
  newUdpListener(listenerPort: number, idleTimeoutMs: number): UdpListener;
  /** How long a removed port's open connections may go on before they are closed. */
  drainMs: number;
}

type PortEntry = { listenerPort: number; bound?: { host: string; port: number } } & (
  | { transport: 'TCP'; server: net.Server; connections: Set<net.Socket> }
  | { transport: 'UDP'; udp: UdpListener }
);

export class GatewayPorts {
  readonly #options: GatewayPortsOptions;
  readonly #entries = new Map<string, PortEntry>();
  readonly #bindFailures: Counter<'port' | 'transport'>;
  /** Reconciliations run one after another; this is the latest. */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: GatewayPortsOptions) {
    this.#options = options;
    this.#bindFailures = new Counter({
      name: 'sidelane_gateway_port_bind_failures_total',
      help: `Listener ports that could not be bound (${GatewayErrorCode.PortBind}), by listener port and transport.`,
      labelNames: ['port', 'transport'],
      registers: [options.registry],
    });
  }

  /** Makes the bound ports those of `ports`; the returned promise (also `settled()`) ends once binds are done or failed. */
  reconcile(ports: readonly GatewayPortIR[], udpIdleTimeoutMs: number): Promise<void> {
    this.#queue = this.#queue.then(() => this.#reconcile(ports, udpIdleTimeoutMs));
    return this.#queue;
  }

  settled(): Promise<void> {
    return this.#queue;
  }

  /** Listener port → where it is bound; ports that failed to bind are absent. */
  bound(): Map<number, BoundPort> {
    const result = new Map<number, BoundPort>();
    for (const entry of this.#entries.values()) {
      if (!entry.bound) continue;
      // A number used by a TCP and a UDP listener (DNS, say) shows its TCP binding.
      if (result.get(entry.listenerPort)?.transport === 'TCP') continue;
      result.set(entry.listenerPort, { ...entry.bound, transport: entry.transport });
    }
    return result;
  }

  /** Stops accepting on every port; open connections get `drainMs`, then are closed. */
  async close(drainMs: number): Promise<void> {
    this.#closed = true;
    await this.#queue;
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((entry) => this.#release(entry, drainMs)));
  }

  async #reconcile(ports: readonly GatewayPortIR[], udpIdleTimeoutMs: number): Promise<void> {
    if (this.#closed) return;
    const wanted = new Map<string, GatewayPortIR>();
    for (const port of ports) wanted.set(keyOf(port.port, port.kind === 'udp' ? 'UDP' : 'TCP'), port);
    const removed: Promise<void>[] = [];
    for (const [key, entry] of this.#entries) {
      if (wanted.has(key)) continue;
      this.#entries.delete(key);
      this.#options.log.info({ port: entry.listenerPort, transport: entry.transport }, 'gateway listener port removed; draining');
      // Not awaited: a long drain must not hold back the next config's binds.
      removed.push(this.#release(entry, this.#options.drainMs));
    }
    void Promise.all(removed).catch((err: unknown) => {
      this.#options.log.warn({ err }, 'closing a removed gateway listener port failed');
    });
    const binds: Promise<void>[] = [];
    for (const [key, port] of [...wanted].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const existing = this.#entries.get(key);
      if (existing?.transport === 'UDP' && port.kind === 'udp') existing.udp.apply(port.table, udpIdleTimeoutMs);
      // Present and bound: unchanged. Present but not bound: the last bind failed; try again.
      if (existing?.bound) continue;
      if (existing) this.#entries.delete(key);
      binds.push(this.#bind(key, port, udpIdleTimeoutMs));
    }
    await Promise.all(binds);
  }

  async #bind(key: string, port: GatewayPortIR, udpIdleTimeoutMs: number): Promise<void> {
    const o = this.#options;
    const bindPort = port.port + o.portOffset;
    const entry: PortEntry =
      port.kind === 'udp'
        ? { listenerPort: port.port, transport: 'UDP', udp: o.newUdpListener(port.port, udpIdleTimeoutMs) }
        : { listenerPort: port.port, transport: 'TCP', server: this.#tcpServer(port.port), connections: new Set() };
    if (entry.transport === 'TCP') trackConnections(entry.server, entry.connections);
    this.#entries.set(key, entry);
    try {
      if (entry.transport === 'UDP') {
        if (port.kind === 'udp') entry.udp.apply(port.table, udpIdleTimeoutMs);
        entry.bound = await entry.udp.listen(o.host, bindPort);
      } else {
        entry.bound = await listen(entry.server, o.host, bindPort);
      }
      o.log.info({ port: port.port, transport: entry.transport, bound: entry.bound }, 'gateway listener port bound');
    } catch (error) {
      this.#bindFailures.labels(String(port.port), entry.transport).inc();
      o.log.error(
        { err: error, code: GatewayErrorCode.PortBind, port: port.port, bindPort, host: o.host, transport: entry.transport },
        'gateway listener port could not be bound',
      );
      if (entry.transport === 'UDP') await entry.udp.close().catch(() => undefined);
    }
  }

  #tcpServer(listenerPort: number): net.Server {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true });
    server.on('connection', (socket: net.Socket) => {
      socket.on('error', () => undefined);
      this.#options.onConnection(socket, listenerPort);
    });
    return server;
  }

  async #release(entry: PortEntry, drainMs: number): Promise<void> {
    if (entry.transport === 'UDP') {
      // UDP has no connections to drain: a session is a client address the socket answers from.
      if (entry.bound) await entry.udp.close();
      return;
    }
    const closed = new Promise<void>((resolve) => {
      if (!entry.server.listening) {
        resolve();
        return;
      }
      entry.server.close(() => {
        resolve();
      });
    });
    if (drainMs > 0 && entry.connections.size > 0) {
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, drainMs).unref())]);
    }
    for (const socket of entry.connections) socket.destroy();
    await closed;
  }
}

function keyOf(port: number, transport: PortTransport): string {
  // Sorts by port number: ports are bound (and logged) in order.
  return `${String(port).padStart(5, '0')}/${transport}`;
}

function trackConnections(server: net.Server, connections: Set<net.Socket>): void {
  server.on('connection', (socket: net.Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
}

function listen(server: net.Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address() as net.AddressInfo;
      resolve({ host: address.address, port: address.port });
    });
  });
}
