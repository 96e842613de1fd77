// Real peers for the transparency suite: plain Node HTTP/TCP servers a test scripts by hand (to see
// bytes and header case an echo would normalise), raw client sockets that read the wire, an echo
// that records which connections its requests came on, and a tracker closing all of it.
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { startEcho, type EchoServer, type RequestLog } from '../../src/echo/index.js';

/** Closes every server and socket a test opened, whatever state they are in. */
export class Peers {
  readonly #servers: net.Server[] = [];
  readonly #sockets = new Set<net.Socket>();
  readonly #closers: (() => Promise<void>)[] = [];

  /** A Node HTTP/1.1 server on 127.0.0.1:0; `connections` counts the TCP connections it accepted. */
  async httpServer(handler: http.RequestListener, options: http.ServerOptions = {}): Promise<{ server: http.Server; port: number; connections: () => number }> {
    const server = http.createServer(options, handler);
    let connections = 0;
    server.on('connection', (socket: net.Socket) => {
      connections++;
      this.track(socket);
    });
    const port = await this.listen(server);
    return { server, port, connections: () => connections };
  }

  /** A raw TCP server on 127.0.0.1:0, half-open allowed (the test decides when to end). */
  async tcpServer(onConnection: (socket: net.Socket) => void): Promise<number> {
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      this.track(socket);
      onConnection(socket);
    });
    return this.listen(server);
  }

  /** An echo backend whose request log says which client connection each request came on. */
  async echo(name: string): Promise<RecordingEcho> {
    const log: RequestLog[] = [];
    const echo = await startEcho({ name, host: '127.0.0.1', port: 0, log: (line) => log.push(line) });
    this.#closers.push(() => echo.close());
    return Object.assign(echo, { log, connections: () => new Set(log.map((l) => l.remote)).size });
  }

  async connect(port: number): Promise<net.Socket> {
    const socket = this.track(net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve).once('error', reject);
    });
    return socket;
  }

  track<S extends net.Socket>(socket: S): S {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    // Tests assert on errors where they care; elsewhere a reset must not crash the runner.
    socket.on('error', () => undefined);
    return socket;
  }

  /** An h2c (prior knowledge) client session to 127.0.0.1:port, destroyed at close. */
  h2c(port: number): http2.ClientHttp2Session {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    this.onClose(() => {
      session.destroy();
    });
    return session;
  }

  /** Registers a cleanup (a client, an agent, a proxy) to run before the servers close. */
  onClose(closer: () => Promise<void> | void): void {
    this.#closers.push(async () => {
      await closer();
    });
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    for (const closer of this.#closers.splice(0).reverse()) await closer();
    await Promise.all(this.#servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }

  async listen(server: net.Server): Promise<number> {
    this.#servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('not a TCP server');
    return address.port;
  }
}

export interface RecordingEcho extends EchoServer {
  readonly log: RequestLog[];
  /** Distinct client connections (remote address:port) the echo served requests on. */
  connections(): number;
}

/**
 * Reads `socket` until `done(bytes)` holds or the socket ends; rejects after `timeoutMs` with what
 * arrived so far, so a hung proxy fails the test with evidence instead of stalling the run.
 */
export function readUntil(socket: net.Socket, done: (bytes: Buffer) => boolean, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let bytes = Buffer.alloc(0);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('close', onEnd);
      if (error) reject(error);
      else resolve(bytes);
    };
    const onData = (chunk: Buffer): void => {
      bytes = Buffer.concat([bytes, chunk]);
      if (done(bytes)) finish();
    };
    const onEnd = (): void => {
      finish();
    };
    const timer = setTimeout(() => {
      finish(new Error(`timed out after ${timeoutMs} ms; read so far: ${JSON.stringify(bytes.toString('latin1').slice(0, 500))}`));
    }, timeoutMs);
    socket.on('data', onData).once('end', onEnd).once('close', onEnd);
    if (done(bytes)) finish();
  });
}

/** Whether `bytes` hold a complete HTTP/1.1 response head (or several). */
export function headComplete(bytes: Buffer, count = 1): boolean {
  let at = 0;
  for (let i = 0; i < count; i++) {
    const end = bytes.indexOf('\r\n\r\n', at, 'latin1');
    if (end < 0) return false;
    at = end + 4;
  }
  return true;
}

/** Rejects with `what` if `promise` takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`${what}: not within ${ms} ms`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The header lines of a raw response head (status line excluded), names as sent. */
export function headLines(bytes: Buffer): { status: number; headers: [string, string][]; rest: Buffer } {
  const end = bytes.indexOf('\r\n\r\n', 0, 'latin1');
  const head = bytes.subarray(0, end < 0 ? bytes.length : end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0);
  const headers = head.slice(1).map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  return { status, headers, rest: end < 0 ? Buffer.alloc(0) : bytes.subarray(end + 4) };
}
