// Answers the proxy makes itself: errors with their stable code (HTTP status, or a gRPC
// Trailers-Only response for gRPC requests), and local answers a rule decides (redirects, CORS
// preflights). Every proxy-made error carries `x-sidelane-error` so a user can tell it from the app's.
import { ERROR_HEADER, ERROR_MAPPINGS, type ProxyErrorCode } from '../errors.js';
import type { Exchange } from '../protocol/exchange.js';
import type { NameValue } from '../route/request.js';

export function answerError(ex: Exchange, code: ProxyErrorCode, message: string): number {
  const mapping = ERROR_MAPPINGS[code];
  return answerCustomError(ex, { status: mapping.http, grpcStatus: mapping.grpc, code, message });
}

/** An error whose status is not one of the stable mappings (a rule's own failure status). */
export function answerCustomError(ex: Exchange, e: { status: number; grpcStatus: number; code: string; message: string }): number {
  if (ex.headersSent) {
    ex.reset();
    return e.status;
  }
  if (ex.grpc) {
    // Trailers-Only: one HEADERS frame carrying the status, as gRPC servers answer errors.
    ex.respond(
      200,
      [
        ['content-type', 'application/grpc'],
        ['grpc-status', String(e.grpcStatus)],
        ['grpc-message', encodeURIComponent(e.message)],
        [ERROR_HEADER, e.code],
      ],
      true,
    );
    return 200;
  }
  const body = Buffer.from(`${e.code}: ${e.message}\n`);
  ex.respond(
    e.status,
    [
      ['content-type', 'text/plain; charset=utf-8'],
      ['content-length', String(body.length)],
      [ERROR_HEADER, e.code],
    ],
    false,
  );
  ex.sink.write(body);
  ex.finish([]);
  return e.status;
}

export function answerLocal(ex: Exchange, status: number, headers: readonly NameValue[]): number {
  ex.respond(status, [...headers, ['content-length', '0']], true);
  return status;
}
