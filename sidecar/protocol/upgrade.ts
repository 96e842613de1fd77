// HTTP/1.1 Upgrade (WebSocket and others): routed like any request (matches, filters, balancing),
// then the two connections are joined byte for byte once the endpoint answers 101. The downstream
// side is an Exchange over the raw socket; the upstream side an UpstreamClient that performs the
// upgrade handshake with node:http and hands back the endpoint's socket as the response body.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ConnectionContext } from '../listen/connection.js';
import { classifyUpstreamError, type UpstreamClient, type UpstreamRequest, type UpstreamResponse } from '../endpoint/upstream.js';
import type { NameValue } from '../route/request.js';
import { GoneSignal, type Exchange } from './exchange.js';
import { endToEndPairs } from './hop-by-hop.js';

const HOST: ReadonlySet<string> = new Set(['host']);

export class UpgradeExchange implements Exchange {
  readonly version = 1;
  readonly method: string;
  readonly target: string;
  readonly authority: string;
  readonly headers: NameValue[];
  /** The client's socket: after a 101 it is the request "body", piped to the endpoint. */
  readonly body: Duplex;
  readonly grpc = false;
  readonly upgrade = true;
  readonly connection: ConnectionContext;
  readonly sink: Duplex;
  readonly clientGone = new GoneSignal();
  #headersSent = false;

  constructor(req: http.IncomingMessage, socket: Duplex, head: Buffer, connection: ConnectionContext) {
    this.method = req.method ?? 'GET';
    this.target = req.url ?? '/';
    this.authority = req.headers.host ?? '';
    this.headers = endToEndPairs(req.rawHeaders, { keepUpgrade: true, drop: HOST });
    if (head.length > 0) socket.unshift(head);
    this.body = socket;
    this.sink = socket;
    this.connection = connection;
    socket.once('close', () => {
      this.clientGone.closed(false);
    });
    socket.on('error', () => undefined);
  }

  get headersSent(): boolean {
    return this.#headersSent;
  }

  respond(status: number, headers: readonly NameValue[], endStream: boolean): void {
    this.#headersSent = true;
    let head = `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\n`;
    // A refused upgrade's body is delimited by closing the connection: it cannot be reused anyway.
    const all: NameValue[] = status === 101 ? [...headers] : [...headers.filter(([n]) => n.toLowerCase() !== 'content-length'), ['connection', 'close']];
    for (const [name, value] of all) head += `${name}: ${value}\r\n`;
    this.sink.write(`${head}\r\n`);
    if (endStream) this.sink.end();
  }

  finish(): void {
    this.sink.end();
  }

  reset(): void {
    this.sink.destroy();
  }
}

/** The upstream half: an upgrade request to the endpoint; on 101 the sockets are joined. */
export class UpgradeUpstream implements UpstreamClient {
  readonly #connectTimeoutMs: number;

  constructor(options: { connectTimeoutMs: number }) {
    this.#connectTimeoutMs = options.connectTimeoutMs;
  }

  request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const headers: string[] = ['host', req.authority];
    for (const [name, value] of req.headers) headers.push(name, value);
    const client = req.body as Duplex;
    return new Promise((resolve, reject) => {
      const upstream = http.request({
        host: req.endpoint.address,
        port: req.endpoint.port,
        method: req.method,
        path: req.target,
        headers,
        signal: req.signal,
        timeout: this.#connectTimeoutMs,
        agent: false,
      });
      upstream.once('timeout', () => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' })));
      upstream.once('error', (err) => {
        reject(classifyUpstreamError(err, req.signal));
      });
      upstream.once('upgrade', (res: http.IncomingMessage, socket: Duplex, head: Buffer) => {
        upstream.setTimeout(0);
        if (head.length > 0) socket.unshift(head);
        client.pipe(socket);
        socket.on('error', () => client.destroy());
        client.on('error', () => socket.destroy());
        client.once('close', () => socket.destroy());
        resolve({ status: 101, headers: endToEndPairs(res.rawHeaders, { keepUpgrade: true }), body: socket, trailers: () => [] });
      });
      upstream.once('response', (res: http.IncomingMessage) => {
        upstream.setTimeout(0);
        resolve({ status: res.statusCode ?? 502, headers: endToEndPairs(res.rawHeaders), body: res, trailers: () => [] });
      });
      upstream.end();
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
