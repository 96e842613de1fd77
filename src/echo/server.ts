// `startEcho`: one TCP port serving HTTP/1.1, h2c, gRPC and WebSocket. Each connection is sniffed
// for the HTTP/2 preface and handed, bytes put back, to Node's HTTP/1 or HTTP/2 server. Library
// code: no signal handlers, no process exit; the caller decides when to close.
import { createServer as createHttp1Server } from 'node:http';
import { createServer as createHttp2Server, type Http2Session } from 'node:http2';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { EchoContext, RequestLog } from './context.js';
import { fromHttp1, fromHttp2 } from './exchange.js';
import { isGrpc, serveGrpc } from './grpc-echo.js';
import { serveHttp } from './http-echo.js';
import { httpUrl } from '../shared/listen-address.js';
import { sniffProtocol } from './sniff.js';
import { serveUpgrade } from './upgrade.js';

export interface EchoOptions {
  /** Reported in every answer (`name`) and the `x-echo-name` response header. */
  name: string;
  /** Default: every interface. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Called with one line per request, call or upgrade. */
  log?: (line: RequestLog) => void;
}

export interface EchoServer {
  readonly name: string;
  readonly address: { host: string; port: number };
  /** http://host:port */
  readonly url: string;
  /** Requests, gRPC calls and upgrades served so far. */
  readonly requests: number;
  /** Stops listening and destroys every open connection (and so every HTTP/2 session). */
  close(): Promise<void>;
}

export async function startEcho(options: EchoOptions): Promise<EchoServer> {
  let requests = 0;
  const context: EchoContext = {
    name: options.name,
    report: (line) => {
      requests += 1;
      options.log?.(line);
    },
  };
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();

  const http1 = createHttp1Server();
  http1.on('request', (req, res) => void serveHttp(fromHttp1(req, res), context));
  http1.on('upgrade', (req, socket: Socket, head: Buffer) => {
    serveUpgrade(req, socket, head, context);
  });
  http1.on('connect', (req, socket: Socket, head: Buffer) => {
    serveUpgrade(req, socket, head, context);
  });

  const http2 = createHttp2Server();
  http2.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  http2.on('request', (req, res) => {
    if (isGrpc(req.headers['content-type'])) void serveGrpc(req, res, context);
    else void serveHttp(fromHttp2(req, res), context);
  });

  const tcp = createTcpServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const seen: Buffer[] = [];
    // A client that leaves before saying which protocol it speaks: half-open would keep it forever.
    const leftEarly = (): void => {
      socket.end();
    };
    const sniff = (chunk: Buffer): void => {
      seen.push(chunk);
      const bytes = Buffer.concat(seen);
      const protocol = sniffProtocol(bytes);
      if (protocol === 'undecided') return;
      socket.removeListener('data', sniff);
      socket.removeListener('end', leftEarly);
      socket.pause();
      socket.unshift(bytes);
      if (protocol === 'http2') {
        // Node's own HTTP/2 server does not keep half-open sockets; the session ends both ways.
        socket.allowHalfOpen = false;
        http2.emit('connection', socket);
      } else {
        http1.emit('connection', socket);
        // Node's HTTP/1 parser reads new bytes from the handle itself; the put-back bytes reach it
        // through 'data', which a paused socket would never emit.
        socket.resume();
      }
    };
    socket.on('data', sniff);
    socket.once('end', leftEarly);
  });

  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(options.port ?? 0, options.host, () => {
      tcp.removeListener('error', reject);
      resolve();
    });
  });
  const bound = tcp.address();
  if (bound === null || typeof bound === 'string') throw new Error('echo server is not on a TCP port');
  const address = { host: bound.address, port: bound.port };

  return {
    name: options.name,
    address,
    url: httpUrl(address.host, address.port),
    get requests() {
      return requests;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => {
        tcp.close(() => {
          resolve();
        });
      });
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
