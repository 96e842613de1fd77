// One HTTP exchange with one endpoint, the same shape whether it runs over HTTP/1.1 (undici pools)
// or HTTP/2 (http2-wrapper sessions), so retries, timeouts and response streaming are written once.
import type { Readable } from 'node:stream';
import type { NameValue } from '../route/request.js';

export interface EndpointAddr {
  address: string;
  port: number;
}

export interface UpstreamRequest {
  endpoint: EndpointAddr;
  method: string;
  /** Request target (path and query) as it goes upstream. */
  target: string;
  authority: string;
  /** End-to-end headers only: no Host, no hop-by-hop, no pseudo-headers. */
  headers: readonly NameValue[];
  /** A Buffer can be sent again (retries); a stream only once. Undefined: no body. */
  body: Buffer | Readable | undefined;
  /** Aborts the exchange: a timeout, or the client went away. */
  signal: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  /** End-to-end response headers (hop-by-hop already removed). */
  headers: NameValue[];
  body: Readable;
  /**
   * The head ended the response (an HTTP/2 HEADERS frame with END_STREAM): no body and no trailers
   * follow. Forwarded as such, so a gRPC Trailers-Only answer stays one HEADERS frame.
   */
  endStream?: boolean;
  /** Trailers, once `body` has ended (empty when none). */
  trailers(): NameValue[];
}

export interface UpstreamClient {
  request(req: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/**
 * How an upstream exchange failed before a response head arrived; decides the error code.
 * 'loop': the endpoint is the listener the request came in on (see loop-guard.ts); never sent.
 */
export type UpstreamFailure = 'connect' | 'reset' | 'aborted' | 'loop';

export class UpstreamError extends Error {
  readonly failure: UpstreamFailure;
  constructor(failure: UpstreamFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UpstreamError';
    this.failure = failure;
  }
}

/** Connection errors of Node and undici that mean "the request never reached a server". */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function classifyUpstreamError(err: unknown, signal: AbortSignal): UpstreamError {
  if (err instanceof UpstreamError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (signal.aborted) return new UpstreamError('aborted', message, { cause: err });
  const code = (err as { code?: unknown } | null)?.code;
  const causeCode = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  const connect = (typeof code === 'string' && CONNECT_CODES.has(code)) || (typeof causeCode === 'string' && CONNECT_CODES.has(causeCode));
  return new UpstreamError(connect ? 'connect' : 'reset', message, { cause: err });
}
