// The per-request controls of the echo server, read from `x-echo-*` request headers (gRPC
// metadata is headers too). A malformed control is reported back to the caller (400 or
// INVALID_ARGUMENT), never ignored: a test that asked for a 503 must not silently get a 200.
import { headerValue, headerValues, isToken, type HeaderList } from './headers.js';

export interface EchoControls {
  /** x-echo-status: the response status (200-599). */
  status: number | undefined;
  /** x-echo-delay-ms: wait this long before answering. */
  delayMs: number;
  /** x-echo-set-header: `name: value`, repeatable. */
  setHeaders: [string, string][];
  /** x-echo-trailer: `name: value`, repeatable. */
  trailers: [string, string][];
  /** x-echo-fail: `reset` (RST / RST_STREAM) or `close` (close without answering). */
  fail: 'reset' | 'close' | undefined;
  /** x-echo-body-bytes: answer with this many bytes of filler instead of the JSON echo. */
  bodyBytes: number | undefined;
  /** x-echo-chunked: true → no Content-Length (chunked on HTTP/1.1). */
  chunked: boolean;
  /** x-echo-grpc-status (+ x-echo-grpc-message): a Trailers-Only gRPC answer. */
  grpcStatus: number | undefined;
  grpcMessage: string | undefined;
}

export const MAX_DELAY_MS = 3_600_000;

/** Response headers the server owns: framing must stay consistent with what it writes. */
const OWNED_HEADERS = new Set(['content-length', 'transfer-encoding', 'trailer']);

export function readControls(headers: HeaderList): { controls: EchoControls; problems: string[] } {
  const problems: string[] = [];
  const integer = (name: string, min: number, max: number): number | undefined => {
    const text = headerValue(headers, name)?.trim();
    if (text === undefined) return undefined;
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (value >= min && value <= max) return value;
    problems.push(`${name}: "${text}" is not an integer from ${min} to ${max}`);
    return undefined;
  };
  const fields = (name: string): [string, string][] =>
    headerValues(headers, name).flatMap((line): [string, string][] => {
      const colon = line.indexOf(':');
      const field = line.slice(0, colon).trim().toLowerCase();
      if (colon <= 0 || !isToken(field)) {
        problems.push(`${name}: "${line}" is not "name: value"`);
        return [];
      }
      if (OWNED_HEADERS.has(field)) {
        problems.push(`${name}: ${field} is set by the echo server (see x-echo-body-bytes, x-echo-chunked)`);
        return [];
      }
      return [[field, line.slice(colon + 1).trim()]];
    });

  const failText = headerValue(headers, 'x-echo-fail')?.trim().toLowerCase();
  let fail: EchoControls['fail'];
  if (failText === 'reset' || failText === 'close') fail = failText;
  else if (failText !== undefined) problems.push(`x-echo-fail: "${failText}" is neither reset nor close`);

  const chunkedText = headerValue(headers, 'x-echo-chunked')?.trim().toLowerCase();
  const chunked = chunkedText === 'true' || chunkedText === '1';
  if (chunkedText !== undefined && !chunked && chunkedText !== 'false' && chunkedText !== '0') {
    problems.push(`x-echo-chunked: "${chunkedText}" is not true or false`);
  }

  const controls: EchoControls = {
    status: integer('x-echo-status', 200, 599),
    delayMs: integer('x-echo-delay-ms', 0, MAX_DELAY_MS) ?? 0,
    setHeaders: fields('x-echo-set-header'),
    trailers: fields('x-echo-trailer'),
    fail,
    bodyBytes: integer('x-echo-body-bytes', 0, Number.MAX_SAFE_INTEGER),
    chunked,
    grpcStatus: integer('x-echo-grpc-status', 0, 16),
    grpcMessage: headerValue(headers, 'x-echo-grpc-message'),
  };
  return { controls, problems };
}

/** Header names HTTP/2 forbids (RFC 9113 §8.2.2); Node would throw on them. */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te']);

/** Controls that cannot be honoured on HTTP/2. */
export function http2Problems(controls: EchoControls): string[] {
  return [...controls.setHeaders, ...controls.trailers]
    .filter(([name]) => CONNECTION_SPECIFIC.has(name))
    .map(([name]) => `${name} is a connection-specific header, not allowed on HTTP/2`);
}
