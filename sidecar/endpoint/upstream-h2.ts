// HTTP/2 with prior knowledge (h2c) to endpoints, for h2c and gRPC ports: http2-wrapper's Agent
// keeps a pool of sessions per endpoint and opens a new session when one runs out of concurrent
// streams, so many requests multiplex over few connections. Its default connector speaks TLS with
// ALPN; `createConnection` is the seam where plain TCP is used today and mTLS can be later.
import net from 'node:net';
import http2 from 'node:http2';
import http2wrapper from 'http2-wrapper';
import { fromH2Headers, toH2Headers } from '../protocol/h2-headers.js';
import type { NameValue } from '../route/request.js';
import { classifyUpstreamError, UpstreamError, type UpstreamClient, type UpstreamRequest, type UpstreamResponse } from './upstream.js';

const { HTTP2_HEADER_STATUS, NGHTTP2_CANCEL, NGHTTP2_FLAG_END_STREAM } = http2.constants;

class H2cAgent extends http2wrapper.Agent {
  readonly #connectTimeoutMs: number;

  constructor(connectTimeoutMs: number) {
    super({ timeout: 0, maxEmptySessions: 16 });
    this.#connectTimeoutMs = connectTimeoutMs;
  }

  // The base class types this as a TLS socket; a plain socket is what h2c needs.
  override createConnection(origin: URL): Promise<never> {
    const host = origin.hostname.replace(/^\[(.*)\]$/, '$1');
    const socket = net.connect({ host, port: Number(origin.port), noDelay: true });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy(Object.assign(new Error(`connect timeout after ${this.#connectTimeoutMs} ms`), { code: 'UND_ERR_CONNECT_TIMEOUT' }));
      }, this.#connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        // http2-wrapper keys sessions by the origin it reads off the socket (`servername`, else
        // the remote address): a plain socket must look like the https origin we asked for, or
        // no session is ever found again and every request opens a new connection.
        (socket as net.Socket & { servername?: string | false }).servername = false;
        resolve(socket as never);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }
}

export class Http2Upstream implements UpstreamClient {
  #agent: H2cAgent;

  constructor(options: { connectTimeoutMs: number }) {
    this.#agent = new H2cAgent(options.connectTimeoutMs);
  }

  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const { endpoint } = req;
    // The agent only pools `https:` origins; the connection is still plain h2c (createConnection) and
    // the request says `:scheme: http`.
    const origin = endpoint.address.includes(':') ? `https://[${endpoint.address}]:${endpoint.port}` : `https://${endpoint.address}:${endpoint.port}`;
    const headers = toH2Headers(req.headers, { ':method': req.method, ':path': req.target, ':authority': req.authority, ':scheme': 'http' });
    let stream: http2.ClientHttp2Stream;
    try {
      stream = await this.#agent.request(origin, {}, headers, { endStream: req.body === undefined });
    } catch (err) {
      throw classifyUpstreamError(err, req.signal);
    }
    const abort = (): void => {
      stream.close(NGHTTP2_CANCEL);
    };
    if (req.signal.aborted) abort();
    req.signal.addEventListener('abort', abort, { once: true });
    stream.once('close', () => {
      req.signal.removeEventListener('abort', abort);
    });
    if (Buffer.isBuffer(req.body)) stream.end(req.body);
    else if (req.body) {
      const body = req.body;
      body.pipe(stream);
      body.once('error', () => { stream.close(NGHTTP2_CANCEL); });
    }
    let trailers: NameValue[] = [];
    stream.once('trailers', (t: http2.IncomingHttpHeaders) => {
      trailers = fromH2Headers(t);
    });
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(classifyUpstreamError(err, req.signal));
      };
      const onClose = (): void => {
        reject(req.signal.aborted ? new UpstreamError('aborted', 'aborted') : new UpstreamError('reset', `upstream stream closed before a response (code ${stream.rstCode})`));
      };
      stream.once('error', onError);
      stream.once('close', onClose);
      stream.once('response', (head: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader, flags: number) => {
        stream.off('error', onError);
        stream.off('close', onClose);
        // Errors after the head surface on the body stream, which the caller consumes.
        resolve({
          status: Number(head[HTTP2_HEADER_STATUS] ?? 502),
          headers: fromH2Headers(head),
          body: stream,
          // From the frame's flags: a client stream's `endAfterHeaders` is not set at this point.
          endStream: (flags & NGHTTP2_FLAG_END_STREAM) !== 0,
          trailers: () => trailers,
        });
      });
    });
  }

  close(): Promise<void> {
    this.#agent.destroy();
    return Promise.resolve();
  }
}
