// Real-socket helpers for the L4 tests: servers on 127.0.0.1 port 0, a proxy in front of an
// upstream (optionally sniffing first), and a tracker that closes everything a test opened.
import net from 'node:net';
import { sniffProtocol, type SniffResult } from '../../../sidecar/listen/sniff.js';
import { proxyTcp, type TcpProxyOptions, type TcpProxyStats } from '../../../sidecar/protocol/tcp.js';

export class Tracker {
  readonly #servers: net.Server[] = [];
  readonly #sockets = new Set<net.Socket>();

  server(onConnection: (socket: net.Socket) => void, options: net.ServerOpts = { allowHalfOpen: true }): net.Server {
    const server = net.createServer(options, (socket) => {
      this.socket(socket);
      onConnection(socket);
    });
    this.#servers.push(server);
    return server;
  }

  socket<S extends net.Socket>(socket: S): S {
    this.#sockets.add(socket);
    // A test asserts on errors where it cares; elsewhere a reset must not crash the runner.
    socket.on('error', () => undefined);
    return socket;
  }

  async connect(port: number): Promise<net.Socket> {
    const socket = this.socket(net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve).once('error', reject);
    });
    return socket;
  }

  async closeAll(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all(this.#servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

export async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not a TCP server');
  return address.port;
}

export interface ProxyRun {
  stats: Promise<TcpProxyStats>;
  sniffed: Promise<SniffResult>;
}

interface PendingRun extends ProxyRun {
  resolveStats: (stats: TcpProxyStats) => void;
  resolveSniff: (result: SniffResult) => void;
}

function pendingRun(): PendingRun {
  const run: Partial<PendingRun> = {};
  run.stats = new Promise((resolve) => (run.resolveStats = resolve));
  run.sniffed = new Promise((resolve) => (run.resolveSniff = resolve));
  return run as PendingRun;
}

/**
 * A proxy in front of `upstreamPort`; with `sniffMs`, each connection is sniffed first. `next()`
 * gives the outcome of the next proxied connection, in accept order.
 */
export async function startProxy(
  tracker: Tracker,
  upstreamPort: number,
  options: TcpProxyOptions & { sniffMs?: number } = {},
): Promise<{ port: number; next: () => ProxyRun }> {
  const runs: PendingRun[] = [];
  const runAt = (index: number): PendingRun => (runs[index] ??= pendingRun());
  let accepted = 0;
  let taken = 0;
  const server = tracker.server((socket) => {
    const run = runAt(accepted++);
    void (async () => {
      const sniffed =
        options.sniffMs === undefined
          ? { protocol: 'opaque' as const, head: Buffer.alloc(0) }
          : await sniffProtocol(socket, { timeoutMs: options.sniffMs });
      run.resolveSniff(sniffed);
      proxyTcp(socket, { host: '127.0.0.1', port: upstreamPort }, {
        ...options,
        head: Buffer.concat([options.head ?? Buffer.alloc(0), sniffed.head]),
        onClose: (stats) => {
          options.onClose?.(stats);
          run.resolveStats(stats);
        },
      });
    })();
  });
  return { port: await listen(server), next: () => runAt(taken++) };
}

/** Everything `socket` sends until its end (rejects on error). */
export function readToEnd(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => {
      resolve(Buffer.concat(chunks));
    });
    socket.once('error', reject);
  });
}

/** The first error of `socket`, or undefined when it closes without one. */
export function closeOutcome(socket: net.Socket): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    let error: NodeJS.ErrnoException | undefined;
    socket.once('error', (err: NodeJS.ErrnoException) => (error = err));
    socket.once('close', () => {
      resolve(error);
    });
  });
}

/** A port nothing listens on (just released by a server). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}
