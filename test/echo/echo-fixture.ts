// Shared set-up for the echo server tests: a server on 127.0.0.1 port 0 that records its log
// lines and is always closed, and small clients that return everything a test may assert on
// (status, headers, trailers, body) for HTTP/1.1, HTTP/2 and raw bytes.
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import {
  connect as http2Connect,
  type ClientHttp2Session,
  type IncomingHttpHeaders as Http2Headers,
  type OutgoingHttpHeaders as Http2OutgoingHeaders,
} from 'node:http2';
import { connect as tcpConnect } from 'node:net';
import { startEcho, type EchoServer, type RequestLog } from '../../src/echo/index.js';

export async function withEcho(run: (echo: EchoServer, logs: RequestLog[]) => Promise<void>): Promise<void> {
  const logs: RequestLog[] = [];
  const echo = await startEcho({ name: 'echo-test', host: '127.0.0.1', log: (line) => logs.push(line) });
  try {
    await run(echo, logs);
  } finally {
    await echo.close();
  }
}

export interface Http1Answer {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  trailers: Record<string, string | undefined>;
  body: Buffer;
}

export async function http1(
  echo: EchoServer,
  options: { method?: string; path?: string; headers?: OutgoingHttpHeaders; body?: Buffer | string },
): Promise<Http1Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: echo.address.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, trailers: res.trailers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface Http2Answer {
  headers: Http2Headers;
  trailers: Http2Headers | undefined;
  body: Buffer;
}

export function http2Session(echo: EchoServer): ClientHttp2Session {
  return http2Connect(echo.url);
}

export async function http2(session: ClientHttp2Session, headers: Http2OutgoingHeaders, body?: Buffer | string): Promise<Http2Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    let responseHeaders: Http2Headers = {};
    let trailers: Http2Headers | undefined;
    const chunks: Buffer[] = [];
    stream.on('response', (h: Http2Headers) => (responseHeaders = h));
    stream.on('trailers', (t: Http2Headers) => (trailers = t));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => {
      resolve({ headers: responseHeaders, trailers, body: Buffer.concat(chunks) });
    });
    if (body !== undefined) stream.end(body);
  });
}

/** Writes raw bytes and collects everything the server sends until it closes the connection. */
export async function rawExchange(echo: EchoServer, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(echo.address.port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

/** Polls until `check` is true; log lines are written just after the answer, not before. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
