// Protocol detection on an accepted socket whose port has no declared protocol: read just enough
// of the client's first bytes to tell HTTP/1, h2c prior knowledge and TLS apart from anything
// else, without losing them. Whatever cannot be recognised with certainty is 'opaque' (plain TCP).
import type { Socket } from 'node:net';

export type SniffedProtocol = 'http1' | 'h2c' | 'tls' | 'opaque';

export interface SniffResult {
  protocol: SniffedProtocol;
  /**
   * Every byte read from the socket, in order. They have been taken out of the socket's stream:
   * the caller either forwards them itself (proxyTcp's `head` option) or puts them back before
   * handing the socket to a parser. Tested recipes: http1 — `socket.unshift(head);
   * httpServer.emit('connection', socket); socket.resume()` (the http server reads new bytes from
   * the handle, the buffered head only flows on resume); h2c — `socket.unshift(head);
   * http2Server.emit('connection', socket)` (the session drains the buffer itself; no resume).
   */
  head: Buffer;
}

export interface SniffOptions {
  /**
   * How long to wait for the first byte. A client that says nothing is waiting for the server to
   * speak first (MySQL, SMTP, …): the answer is then 'opaque' with an empty head, so the caller
   * connects upstream and the server's greeting can flow. Keep it short (tens of milliseconds).
   */
  timeoutMs: number;
  /** Give up ('opaque') once this many bytes are read without a decision. Default 16 KiB. */
  maxBytes?: number;
  /**
   * Give up ('opaque', with the bytes read) when still undecided this long after the start: the
   * client sent a few bytes that look like a request line and then waits. Default 5000 ms;
   * generous, because a slow HTTP client taken for TCP would lose routing.
   */
  decideTimeoutMs?: number;
}

const DEFAULT_MAX_BYTES = 16 * 1024;
const DEFAULT_DECIDE_TIMEOUT_MS = 5000;

/**
 * Reads the first bytes of `socket` until `classifyHead` decides. Never rejects: a socket that
 * errors, ends or closes before a decision gives 'opaque' with what was read.
 *
 * On return the socket is paused with nothing read beyond `head`, and this function's listeners are
 * gone: attach an 'error' listener at once (in the same tick as the await resumes). If the client
 * already half-closed during sniffing, `socket.readableEnded` is true and no further 'end' comes;
 * proxyTcp handles that. The server must be created with `allowHalfOpen: true`, or Node answers a
 * client's early FIN with its own before the upstream had its say.
 */
export async function sniffProtocol(socket: Socket, options: SniffOptions): Promise<SniffResult> {
  let decided: SniffedProtocol | undefined;
  const read = await readHead(
    socket,
    Buffer.alloc(0),
    (head) => {
      const verdict = classifyHead(head);
      if (verdict === 'undecided') return false;
      decided = verdict;
      return true;
    },
    {
      firstByteTimeoutMs: options.timeoutMs,
      timeoutMs: options.decideTimeoutMs ?? DEFAULT_DECIDE_TIMEOUT_MS,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    },
  );
  return { protocol: decided ?? 'opaque', head: read.head };
}

// ---------------------------------------------------------------------------------------------
// The classifier: pure, decides on a prefix as early as the bytes allow.

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * What the first bytes of a connection are, or 'undecided' while they could still be more than one
 * thing. A verdict never changes as more bytes arrive (for 'http1', 'h2c', 'tls' and 'opaque').
 */
export function classifyHead(head: Buffer): SniffedProtocol | 'undecided' {
  if (head.length === 0) return 'undecided';
  const preface = matchPrefix(head, H2_PREFACE);
  if (preface === 'complete') return 'h2c';
  if (preface === 'partial') return 'undecided';
  if (head[0] === 0x16) return classifyTls(head);
  return classifyHttp1(head);
}

function matchPrefix(head: Buffer, expected: Buffer): 'complete' | 'partial' | 'mismatch' {
  const n = Math.min(head.length, expected.length);
  if (!head.subarray(0, n).equals(expected.subarray(0, n))) return 'mismatch';
  return head.length >= expected.length ? 'complete' : 'partial';
}

/** A TLS handshake record (0x16, version 3.x) whose first message is a ClientHello (type 1). */
function classifyTls(head: Buffer): 'tls' | 'opaque' | 'undecided' {
  const major = head[1];
  const minor = head[2];
  const length = head.length >= 5 ? head.readUInt16BE(3) : undefined;
  const handshakeType = head[5];
  if (major !== undefined && major !== 0x03) return 'opaque';
  if (minor !== undefined && minor > 0x04) return 'opaque';
  if (length === 0) return 'opaque';
  if (handshakeType === undefined) return 'undecided';
  return handshakeType === 0x01 ? 'tls' : 'opaque';
}

const MAX_METHOD = 20;
const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const VERSION_TAIL = Buffer.from(' HTTP/1.', 'latin1');

/**
 * An HTTP/1 request line `METHOD SP target SP HTTP/1.x CRLF`, decided once the line is complete.
 * Conservative on purpose: 'http1' sends the connection through the HTTP stage, while 'opaque'
 * is always safe (bytes pass through untouched).
 */
function classifyHttp1(head: Buffer): 'http1' | 'opaque' | 'undecided' {
  // Method: upper-case letters, '-' or '_' (PROPFIND, M-SEARCH), 3 to 20 of them, then a space.
  let i = 0;
  while (i < head.length && isMethodChar(head[i] ?? 0)) i++;
  if (i === head.length) return i <= MAX_METHOD ? 'undecided' : 'opaque';
  if (head[i] !== SP || i < 3 || i > MAX_METHOD) return 'opaque';
  // Target: one or more visible characters (origin, absolute, authority or asterisk form; raw
  // UTF-8 bytes allowed as Node's parser allows them).
  const targetStart = ++i;
  while (i < head.length && isTargetChar(head[i] ?? 0)) i++;
  if (i === head.length) return 'undecided';
  if (head[i] !== SP || i === targetStart) return 'opaque';
  // Version: ' HTTP/1.' then '0' or '1', then CRLF.
  for (const expected of VERSION_TAIL) {
    if (i === head.length) return 'undecided';
    if (head[i++] !== expected) return 'opaque';
  }
  const tail = [head[i], head[i + 1], head[i + 2]];
  if (tail[0] === undefined) return 'undecided';
  if (tail[0] !== 0x30 && tail[0] !== 0x31) return 'opaque';
  if (tail[1] === undefined) return 'undecided';
  if (tail[1] !== CR) return 'opaque';
  if (tail[2] === undefined) return 'undecided';
  return tail[2] === LF ? 'http1' : 'opaque';
}

function isMethodChar(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || byte === 0x2d || byte === 0x5f;
}

function isTargetChar(byte: number): boolean {
  return (byte > SP && byte < 0x7f) || byte >= 0x80;
}

// ---------------------------------------------------------------------------------------------
// Reading a head without losing it; shared with the ClientHello reader (protocol/tls-client-hello).

export interface ReadHeadOptions {
  /** Applies while nothing has been read yet (the initial head included). */
  firstByteTimeoutMs?: number;
  /** Overall limit, from the call. */
  timeoutMs: number;
  /** Stop once the head is at least this long. */
  maxBytes: number;
}

export interface ReadHeadResult {
  head: Buffer;
  /** Why reading stopped; only 'done' means `isDone` said yes. */
  reason: 'done' | 'first-byte-timeout' | 'timeout' | 'limit' | 'end' | 'error';
}

/**
 * Reads `socket` into a buffer that starts with `initial` until `isDone(head)` holds, the socket
 * ends, errors or closes, a timer fires or `maxBytes` is reached. Never rejects. Afterwards the
 * socket is paused and its stream holds every byte not in `head`.
 */
export function readHead(
  socket: Socket,
  initial: Buffer,
  isDone: (head: Buffer) => boolean,
  options: ReadHeadOptions,
): Promise<ReadHeadResult> {
  return new Promise((resolve) => {
    let head = initial;
    const timers: NodeJS.Timeout[] = [];
    const finish = (reason: ReadHeadResult['reason']): void => {
      for (const timer of timers) clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
      socket.pause();
      resolve({ head, reason });
    };
    const check = (): boolean => {
      if (head.length > 0 && isDone(head)) finish('done');
      else if (head.length >= options.maxBytes) finish('limit');
      else return false;
      return true;
    };
    const onData = (chunk: Buffer | string): void => {
      head = Buffer.concat([head, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
      check();
    };
    const onEnd = (): void => {
      finish('end');
    };
    const onError = (): void => {
      finish('error');
    };
    if (check()) return;
    if (socket.readableEnded || socket.destroyed) {
      finish('end');
      return;
    }
    timers.push(
      setTimeout(() => {
        finish('timeout');
      }, options.timeoutMs),
    );
    if (options.firstByteTimeoutMs !== undefined && head.length === 0) {
      timers.push(
        setTimeout(() => {
          if (head.length === 0) finish('first-byte-timeout');
        }, options.firstByteTimeoutMs),
      );
    }
    socket.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError);
    // Adding a 'data' listener does not restart a socket someone paused explicitly.
    socket.resume();
  });
}
