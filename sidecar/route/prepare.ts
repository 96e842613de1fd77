// A request turned, once per routing decision, into the lookups route matches need: header values
// by lower-cased name, the first value of each query parameter, the gRPC service and method.
import { parseGrpcPath, type GrpcCall } from './grpc-path.js';
import type { HttpRequestFacts } from './request.js';

export interface PreparedRequest {
  method: string;
  path: string;
  /**
   * The header's value, repeats joined by "," in arrival order (RFC 9110 §5.3, which the Gateway
   * API defers to); `cookie` repeats joined by "; " (RFC 9113 §8.2.3). Undefined when absent.
   */
  header(lowerCaseName: string): string | undefined;
  /** The first value sent: the spec recommends matching the first of repeated query params. */
  queryParam(name: string): string | undefined;
  /** Undefined when the path is not `/<service>/<method>`. */
  grpc: GrpcCall | undefined;
}

export function prepareRequest(req: HttpRequestFacts): PreparedRequest {
  const headers = new Map<string, string[]>();
  for (const [name, value] of req.headers) {
    const key = name.toLowerCase();
    // Leading/trailing whitespace is not part of a field value (RFC 9110 §5.5).
    const trimmed = value.trim();
    const values = headers.get(key);
    if (values) values.push(trimmed);
    else headers.set(key, [trimmed]);
  }
  const query = new Map<string, string>();
  for (const [name, value] of req.query) {
    if (!query.has(name)) query.set(name, value);
  }
  let grpc: GrpcCall | undefined | null = null;
  return {
    method: req.method,
    path: req.path,
    header(lowerCaseName) {
      const values = headers.get(lowerCaseName);
      if (!values) return undefined;
      return values.join(lowerCaseName === 'cookie' ? '; ' : ',');
    },
    queryParam: (name) => query.get(name),
    // Parsed on first use: only gRPC matches look at it.
    get grpc() {
      if (grpc === null) grpc = parseGrpcPath(req.path);
      return grpc;
    },
  };
}
