// One HTTP request/response pair, the same shape for HTTP/1.x and HTTP/2 (Node's compatibility
// API), so the echo logic is written once. The differences that matter to tests live here: how
// trailers are sent, what "reset" and "close without answering" mean on each protocol.
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { constants as h2, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { Readable } from 'node:stream';
import { fromRawHeaders, headerValue, toOutgoing, type HeaderList } from './headers.js';
import type { RequestFacts } from './report.js';

/** What the echo logic needs of Node's ServerResponse / Http2ServerResponse. */
export interface ResponseSink extends EventEmitter {
  readonly headersSent: boolean;
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  /** Sends the head now (Node's HTTP/2 compat response has it, though @types/node omits it). */
  flushHeaders?(): void;
  write(chunk: Buffer): boolean;
  end(): unknown;
}

export interface Exchange extends RequestFacts {
  readonly body: Readable;
  /** Aborted when the response closes: from then on, waiting or writing is pointless. */
  readonly gone: AbortSignal;
  readonly response: ResponseSink;
  setTrailers(trailers: HeaderList): void;
  /** HTTP/1: TCP RST. HTTP/2: RST_STREAM(INTERNAL_ERROR), the connection stays. */
  reset(): void;
  /** HTTP/1: FIN without a response. HTTP/2: GOAWAY and close the connection. */
  closeConnection(): void;
}

function goneSignal(response: EventEmitter): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    controller.abort();
  });
  return controller.signal;
}

/** `body` replaces the request stream when Node's parser no longer owns it (an ignored Upgrade). */
export function fromHttp1(req: IncomingMessage, res: ServerResponse, body: Readable = req): Exchange {
  const { headers } = fromRawHeaders(req.rawHeaders);
  const socket = req.socket;
  return {
    protocol: req.httpVersion === '1.0' ? 'HTTP/1.0' : 'HTTP/1.1',
    method: req.method ?? 'GET',
    target: req.url ?? '',
    authority: headerValue(headers, 'host') ?? '',
    headers,
    pseudo: undefined,
    remote: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
    body,
    gone: goneSignal(res),
    response: res,
    setTrailers: (trailers) => {
      // The array form keeps repeated trailer names as separate fields.
      res.addTrailers(trailers.map(([name, value]): [string, string] => [name, value]));
    },
    reset: () => {
      socket.resetAndDestroy();
    },
    closeConnection: () => {
      // Keep reading (and dropping) what the client still sends, so the close is a FIN, not a RST.
      req.resume();
      socket.end();
    },
  };
}

export function fromHttp2(req: Http2ServerRequest, res: Http2ServerResponse): Exchange {
  const { headers, pseudo } = fromRawHeaders(req.rawHeaders);
  const stream = req.stream;
  return {
    protocol: 'HTTP/2',
    method: req.method,
    target: headerValue(pseudo, ':path') ?? '',
    authority: headerValue(pseudo, ':authority') ?? headerValue(headers, 'host') ?? '',
    headers,
    pseudo,
    remote: { address: req.socket.remoteAddress ?? '', port: req.socket.remotePort ?? 0 },
    body: req,
    gone: goneSignal(res),
    response: res,
    setTrailers: (trailers) => {
      res.addTrailers(toOutgoing(trailers));
    },
    reset: () => {
      stream.close(h2.NGHTTP2_INTERNAL_ERROR);
    },
    closeConnection: () => {
      stream.session?.destroy();
    },
  };
}
