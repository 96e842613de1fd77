// HTTP/1.1 downstream: Node's parser (llhttp, strict mode) reads requests from connections the
// listener hands over, so request smuggling (Content-Length with Transfer-Encoding, bad header
// bytes, bare LF) is refused with 400 before routing. Each request becomes an Exchange.
// `Expect: 100-continue` is answered by the proxy itself (as Envoy does by default): the client
// sends its body, which is then streamed upstream.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_HEADER, ProxyErrorCode } from '../errors.js';
import type { ConnectionContext } from '../listen/connection.js';
import type { NameValue } from '../route/request.js';
import { GoneSignal, type Exchange } from './exchange.js';
import { endToEndPairs } from './hop-by-hop.js';

export interface Http1Handlers {
  contextOf(socket: Duplex): ConnectionContext;
  onExchange(ex: Exchange): void;
  onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
}

export function createHttp1Server(handlers: Http1Handlers): http.Server {
  const server = http.createServer({
    // Strict parsing: never accept what another hop could read differently.
    insecureHTTPParser: false,
    joinDuplicateHeaders: false,
    // Per-request deadlines are the route's; these only bound a client that stalls its headers.
    requestTimeout: 0,
    headersTimeout: 60_000,
    keepAliveTimeout: 65_000,
  });
  // A client that half-closes after its request (`printf … | nc -N`) still gets its response, and
  // the connection closes once it is sent: Node's default aborts the request at the client's FIN.
  // (An instance field of http.Server, not a constructor option; @types/node omits it.)
  Object.assign(server, { httpAllowHalfOpen: true });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const problem = framingProblem(req);
    if (problem !== undefined) {
      refuse(req, res, problem);
      return;
    }
    handlers.onExchange(new Http1Exchange(req, res, handlers.contextOf(req.socket)));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const problem = framingProblem(req);
    if (problem !== undefined) {
      socket.end(badRequest(problem));
      return;
    }
    handlers.onUpgrade(req, socket, head);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    socket.end(badRequest(err.code ?? 'malformed request'));
  });
  return server;
}

/**
 * What llhttp accepts but RFC 9112 §3.2 still refuses: more than one Host field line. Node keeps
 * the first, a backend might read the last; routing on one and serving the other is a bypass.
 */
function framingProblem(req: http.IncomingMessage): string | undefined {
  let hosts = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    if (name.length === 4 && name.toLowerCase() === 'host') hosts++;
  }
  return hosts > 1 ? 'more than one Host field' : undefined;
}

function refuse(req: http.IncomingMessage, res: http.ServerResponse, problem: string): void {
  const body = `${ProxyErrorCode.BadRequest}: ${problem}\n`;
  res.shouldKeepAlive = false;
  res.writeHead(400, {
    'content-type': 'text/plain',
    [ERROR_HEADER]: ProxyErrorCode.BadRequest,
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
  req.resume();
}

/** A whole 400 response for a connection the parser gave up on (it is closed after). */
function badRequest(problem: string): string {
  const body = `${ProxyErrorCode.BadRequest}: ${problem}\n`;
  return (
    `HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\n${ERROR_HEADER}: ${ProxyErrorCode.BadRequest}\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

function uncork(res: http.ServerResponse): void {
  res.uncork();
}

const ABSOLUTE_FORM = /^http:\/\/([^/?#]*)/i;

class Http1Exchange implements Exchange {
  readonly version = 1;
  readonly method: string;
  readonly target: string;
  readonly authority: string;
  readonly headers: NameValue[];
  readonly body: http.IncomingMessage | undefined;
  readonly grpc: boolean;
  readonly connection: ConnectionContext;
  readonly sink: http.ServerResponse;
  readonly clientGone = new GoneSignal();
  readonly #res: http.ServerResponse;

  constructor(req: http.IncomingMessage, res: http.ServerResponse, connection: ConnectionContext) {
    this.method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const absolute = ABSOLUTE_FORM.exec(target);
    // Explicit proxy use (`curl -x`, HTTP_PROXY) sends absolute-form; its authority wins over Host
    // (RFC 9112 §3.2.2), and the request goes upstream in origin-form, as a server expects it.
    this.target = absolute ? target.slice(absolute[0].length) || '/' : target;
    this.authority = absolute?.[1] ?? req.headers.host ?? '';
    this.headers = endToEndHeaders(req.rawHeaders);
    this.body = hasBody(req) ? req : undefined;
    this.grpc = (req.headers['content-type'] ?? '').startsWith('application/grpc');
    this.connection = connection;
    this.sink = res;
    this.#res = res;
    res.once('close', () => {
      this.clientGone.closed(res.writableFinished);
    });
    if (!this.body) req.resume();
  }

  get headersSent(): boolean {
    return this.#res.headersSent;
  }

  respond(status: number, headers: readonly NameValue[], endStream: boolean): void {
    const flat: string[] = [];
    for (const [name, value] of headers) flat.push(name, value);
    const res = this.#res;
    res.writeHead(status, flat);
    if (endStream) {
      res.end();
      return;
    }
    // The head and the first body chunk (often the whole body) leave in one write instead of
    // one syscall each; the socket is uncorked on the next tick, so streaming is not held back.
    res.cork();
    process.nextTick(uncork, res);
  }

  finish(trailers: readonly NameValue[]): void {
    if (trailers.length > 0 && !this.#res.hasHeader('content-length')) {
      const t: string[][] = trailers.map(([n, v]) => [n, v]);
      this.#res.addTrailers(t as unknown as http.OutgoingHttpHeaders);
    }
    this.#res.end();
  }

  reset(): void {
    this.#res.destroy();
  }
}

// Host travels as the authority; Expect was answered here (100-continue).
const CARRIED_ELSEWHERE: ReadonlySet<string> = new Set(['host', 'expect']);

function endToEndHeaders(raw: readonly string[]): NameValue[] {
  return endToEndPairs(raw, { drop: CARRIED_ELSEWHERE });
}

/** RFC 9112 §6.3: a request has a body only with Content-Length (> 0 or 0) or Transfer-Encoding. */
function hasBody(req: http.IncomingMessage): boolean {
  const cl = req.headers['content-length'];
  if (cl !== undefined) return cl !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}
