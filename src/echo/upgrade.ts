// HTTP/1.1 requests that leave HTTP: `Upgrade: websocket` gets a WebSocket echo, any other
// upgrade token (and CONNECT) a raw byte echo after 101 (200), so proxies' tunnels can be tested.
// `Upgrade: h2c` is declined as RFC 9113 allows: the request is answered in HTTP/1.1.
import { createHash } from 'node:crypto';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { logLine, type EchoContext, type RequestOutcome } from './context.js';
import { readControls } from './controls.js';
import { fromHttp1 } from './exchange.js';
import { serveHttp } from './http-echo.js';
import { fromRawHeaders, headerValue, type HeaderList } from './headers.js';
import { serveWebSocketEcho } from './websocket.js';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function serveUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, context: EchoContext): void {
  const { headers } = fromRawHeaders(req.rawHeaders);
  const tokens = (headerValue(headers, 'upgrade') ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
  const websocket = tokens.some((token) => token.toLowerCase() === 'websocket');
  const other = tokens.find((token) => token.toLowerCase() !== 'h2c');
  if (req.method === 'CONNECT') tunnel(req, socket, head, context, headers, 'HTTP/1.1 200 Connection Established');
  else if (websocket) acceptWebSocket(req, socket, head, context, headers);
  else if (other !== undefined) {
    const switching = `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${other}`;
    tunnel(req, socket, head, context, headers, switching);
  } else declineUpgrade(req, socket, head, context);
}

function acceptWebSocket(
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  context: EchoContext,
  headers: HeaderList,
): void {
  const key = headerValue(headers, 'sec-websocket-key')?.trim() ?? '';
  const version = headerValue(headers, 'sec-websocket-version')?.trim();
  const { controls, problems } = readControls(headers);
  let refusal: string | undefined;
  if (req.method !== 'GET') refusal = '405 Method Not Allowed';
  else if (version !== '13') refusal = '426 Upgrade Required\r\nSec-WebSocket-Version: 13';
  else if (Buffer.from(key, 'base64').length !== 16) refusal = '400 Bad Request';
  else if (problems.length > 0) refusal = '400 Bad Request';
  if (refusal !== undefined) {
    const body = problems.length > 0 ? problems.join('\n') : 'not a valid WebSocket handshake';
    socket.resume();
    socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    finish(context, req, 'rejected', Number(refusal.slice(0, 3)));
    return;
  }
  const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${accept}`,
  ];
  // Echo back the first subprotocol offered, so clients that insist on one still connect.
  const protocol = headerValue(headers, 'sec-websocket-protocol')?.split(',')[0]?.trim();
  if (protocol) lines.push(`Sec-WebSocket-Protocol: ${protocol}`);
  for (const [name, value] of controls.setHeaders) lines.push(`${name}: ${value}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  finish(context, req, 'upgraded', 101);
  serveWebSocketEcho(socket, head);
}

function tunnel(
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  context: EchoContext,
  headers: HeaderList,
  statusLines: string,
): void {
  const { controls } = readControls(headers);
  const extra = controls.setHeaders.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.write(`${statusLines}\r\n${extra}\r\n`);
  finish(context, req, 'upgraded', Number(statusLines.slice(9, 12)));
  if (head.length > 0) socket.write(head);
  socket.pipe(socket);
}

/**
 * Answers in HTTP/1.1 on a response Node's server no longer manages (it handed us the socket,
 * with the bytes after the head in `head`), then closes the connection.
 */
function declineUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, context: EchoContext): void {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket);
  res.once('finish', () => socket.end());
  const length = Number(req.headers['content-length'] ?? 0);
  if (req.headers['transfer-encoding'] !== undefined || !Number.isSafeInteger(length) || length < 0) {
    // Node's parser stopped at the head; decoding chunked bodies by hand is not worth it here.
    socket.resume();
    res.writeHead(501, { 'content-type': 'text/plain' });
    res.end('an h2c upgrade with a chunked body is not supported; use HTTP/2 with prior knowledge\n');
    finish(context, req, 'rejected', 501);
    return;
  }
  // Node answers Expect: 100-continue itself only for requests it still manages.
  if (length > 0 && req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
  void serveHttp(fromHttp1(req, res, fixedLengthBody(socket, head, length)), context);
}

/** The next `length` bytes of the connection (Content-Length framing), with backpressure. */
function fixedLengthBody(socket: Socket, head: Buffer, length: number): Readable {
  let left = length;
  const body = new Readable({
    read: () => {
      socket.resume();
    },
  });
  const take = (chunk: Buffer): void => {
    if (left === 0) return; // what follows the body: dropped, the connection closes after the answer
    const part = chunk.subarray(0, left);
    left -= part.length;
    if (!body.push(part)) socket.pause();
    if (left === 0) {
      body.push(null);
      socket.resume();
    }
  };
  socket.on('data', take);
  socket.once('close', () => {
    if (left > 0) body.destroy(new Error('the connection closed inside the request body'));
  });
  if (length === 0) body.push(null);
  else take(head);
  return body;
}

function finish(context: EchoContext, req: IncomingMessage, outcome: RequestOutcome, status: number): void {
  const facts = {
    protocol: `HTTP/${req.httpVersion}`,
    method: req.method ?? '',
    target: req.url ?? '',
    authority: req.headers.host ?? '',
    remote: { address: req.socket.remoteAddress ?? '', port: req.socket.remotePort ?? 0 },
  };
  logLine(context, facts, performance.now(), { outcome, status });
}
