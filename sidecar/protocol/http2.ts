// HTTP/2 with prior knowledge (h2c) downstream, the transport of gRPC: each stream becomes an
// Exchange. Responses wait for trailers (gRPC puts its status there), and an error answered before
// any response is a Trailers-Only response (see backend/answer.ts).
import http2 from 'node:http2';
import type { Duplex } from 'node:stream';
import { fromH2Headers, toH2Headers } from './h2-headers.js';
import type { ConnectionContext } from '../listen/connection.js';
import type { NameValue } from '../route/request.js';
import { GoneSignal, type Exchange } from './exchange.js';
import { endToEndPairs } from './hop-by-hop.js';

const HOST: ReadonlySet<string> = new Set(['host']);

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR } = http2.constants;

export interface Http2Handlers {
  contextOf(socket: Duplex): ConnectionContext;
  onExchange(ex: Exchange): void;
}

export function createHttp2Server(handlers: Http2Handlers): http2.Http2Server {
  const server = http2.createServer({
    // Many concurrent gRPC streams per connection are the point of HTTP/2.
    settings: { maxConcurrentStreams: 1000 },
    maxSessionMemory: 64,
  });
  // `session.socket` is a Proxy over the session, not the socket the listener recorded a context
  // for, so the context is looked up once, as the session is made from the socket: Node's
  // connection listener creates the session and emits 'session' synchronously, right after the
  // listener prepended here saw the socket.
  const contexts = new WeakMap<http2.Http2Session, ConnectionContext>();
  let accepting: Duplex | undefined;
  server.prependListener('connection', (socket: Duplex) => {
    accepting = socket;
  });
  server.on('session', (session: http2.ServerHttp2Session) => {
    if (accepting) contexts.set(session, handlers.contextOf(accepting));
    accepting = undefined;
  });
  server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    const connection = contexts.get(stream.session as http2.Http2Session) ?? handlers.contextOf(stream.session?.socket as Duplex);
    handlers.onExchange(new Http2Exchange(stream, headers, connection));
  });
  server.on('sessionError', () => undefined);
  return server;
}

class Http2Exchange implements Exchange {
  readonly version = 2;
  readonly method: string;
  readonly target: string;
  readonly authority: string;
  readonly headers: NameValue[];
  readonly body: http2.ServerHttp2Stream | undefined;
  readonly grpc: boolean;
  readonly connection: ConnectionContext;
  readonly sink: http2.ServerHttp2Stream;
  readonly clientGone = new GoneSignal();
  readonly #stream: http2.ServerHttp2Stream;
  #trailers: readonly NameValue[] = [];

  constructor(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, connection: ConnectionContext) {
    this.method = headers[':method'] ?? 'GET';
    this.target = headers[':path'] ?? '/';
    this.authority = headers[':authority'] ?? headers.host ?? '';
    const flat: string[] = [];
    for (const [name, value] of fromH2Headers(headers)) flat.push(name, value);
    this.headers = endToEndPairs(flat, { drop: HOST });
    this.body = stream.readableEnded || stream.endAfterHeaders ? undefined : stream;
    this.grpc = (headers['content-type'] ?? '').startsWith('application/grpc');
    this.connection = connection;
    this.sink = stream;
    this.#stream = stream;
    stream.once('close', () => {
      this.clientGone.closed(stream.writableFinished && stream.rstCode === 0);
    });
    stream.on('error', () => undefined);
    stream.on('wantTrailers', () => {
      if (this.#trailers.length === 0) stream.close();
      else stream.sendTrailers(toH2Headers(this.#trailers));
    });
  }

  get headersSent(): boolean {
    return this.#stream.headersSent;
  }

  respond(status: number, headers: readonly NameValue[], endStream: boolean): void {
    if (this.#stream.destroyed) return;
    const out = toH2Headers(headers);
    out[':status'] = status;
    this.#stream.respond(out, endStream ? { endStream: true } : { waitForTrailers: true });
  }

  finish(trailers: readonly NameValue[]): void {
    this.#trailers = trailers;
    if (!this.#stream.destroyed) this.#stream.end();
  }

  reset(): void {
    this.#stream.close(this.#stream.headersSent ? NGHTTP2_INTERNAL_ERROR : NGHTTP2_CANCEL);
  }
}
