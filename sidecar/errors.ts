// Stable error codes of the data path. Each code maps to exactly one HTTP status and one gRPC
// status; the code travels in the `x-sidelane-error` response header and in the log, so a user can
// tell a proxy-made answer from one the application sent. Documented in docs/errors.md.

export const ERROR_HEADER = 'x-sidelane-error';

export const ProxyErrorCode = {
  /** No rule of the route table matched (spec: 404; GRPCRoute: UNIMPLEMENTED). */
  NoRoute: 'SIDELANE_ERR_NO_ROUTE',
  /** The chosen backend is Invalid, or the rule has no backend (spec: 500; GRPCRoute: UNAVAILABLE). */
  InvalidBackend: 'SIDELANE_ERR_INVALID_BACKEND',
  /** The rule uses a filter Sidelane cannot apply (an unresolved ExtensionRef): every request fails. */
  UnresolvedFilter: 'SIDELANE_ERR_UNRESOLVED_FILTER',
  /** The backend Service has no ready endpoint for the port. */
  NoHealthyEndpoint: 'SIDELANE_ERR_NO_HEALTHY_ENDPOINT',
  /** Connecting to the endpoint failed or the connection broke before a response. */
  UpstreamConnect: 'SIDELANE_ERR_UPSTREAM_CONNECT',
  /** The upstream closed or reset the exchange before a complete response head. */
  UpstreamReset: 'SIDELANE_ERR_UPSTREAM_RESET',
  /** The request or backendRequest timeout (or grpc-timeout) expired. */
  UpstreamTimeout: 'SIDELANE_ERR_UPSTREAM_TIMEOUT',
  /** The request came back to this proxy (its own hop marker): refused rather than looping. */
  RequestLoop: 'SIDELANE_ERR_REQUEST_LOOP',
  /** The request is malformed (bad Host, smuggling attempt, bad header bytes). */
  BadRequest: 'SIDELANE_ERR_BAD_REQUEST',
  /** The proxy has no config yet. */
  NotReady: 'SIDELANE_ERR_NOT_READY',
  /**
   * Gateway TLS ports: the Host names a hostname another listener of the port serves than the one
   * the connection's SNI chose (another certificate, other routes); the client should reconnect.
   */
  Misdirected: 'SIDELANE_ERR_MISDIRECTED',
  /** A bug: an exception in the proxy. Logged with its stack. */
  Internal: 'SIDELANE_ERR_INTERNAL',
} as const;

export type ProxyErrorCode = (typeof ProxyErrorCode)[keyof typeof ProxyErrorCode];

interface ErrorMapping {
  http: number;
  /** gRPC status code (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
  grpc: number;
  summary: string;
}

const GRPC = { UNKNOWN: 2, DEADLINE_EXCEEDED: 4, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14 } as const;

export const ERROR_MAPPINGS: Readonly<Record<ProxyErrorCode, ErrorMapping>> = {
  SIDELANE_ERR_NO_ROUTE: { http: 404, grpc: GRPC.UNIMPLEMENTED, summary: 'no route rule matched the request' },
  SIDELANE_ERR_INVALID_BACKEND: { http: 500, grpc: GRPC.UNAVAILABLE, summary: 'the chosen backend is invalid' },
  SIDELANE_ERR_UNRESOLVED_FILTER: { http: 500, grpc: GRPC.UNAVAILABLE, summary: 'the rule uses a filter Sidelane cannot apply' },
  SIDELANE_ERR_NO_HEALTHY_ENDPOINT: { http: 503, grpc: GRPC.UNAVAILABLE, summary: 'no healthy endpoint' },
  SIDELANE_ERR_UPSTREAM_CONNECT: { http: 503, grpc: GRPC.UNAVAILABLE, summary: 'could not connect to the endpoint' },
  SIDELANE_ERR_UPSTREAM_RESET: { http: 502, grpc: GRPC.UNAVAILABLE, summary: 'the upstream reset the request' },
  SIDELANE_ERR_UPSTREAM_TIMEOUT: { http: 504, grpc: GRPC.DEADLINE_EXCEEDED, summary: 'timeout' },
  SIDELANE_ERR_REQUEST_LOOP: { http: 508, grpc: GRPC.INTERNAL, summary: 'request loop refused' },
  SIDELANE_ERR_BAD_REQUEST: { http: 400, grpc: GRPC.INTERNAL, summary: 'malformed request' },
  SIDELANE_ERR_NOT_READY: { http: 503, grpc: GRPC.UNAVAILABLE, summary: 'proxy has no config yet' },
  SIDELANE_ERR_MISDIRECTED: { http: 421, grpc: GRPC.UNAVAILABLE, summary: 'the Host belongs to another listener than the SNI' },
  SIDELANE_ERR_INTERNAL: { http: 500, grpc: GRPC.INTERNAL, summary: 'internal proxy error' },
};

/**
 * Gateway mode's own failures that are no answer to a request (logged with `code`, counted).
 */
export const GatewayErrorCode = {
  /** A listener port could not be bound (in use, no permission); the others are served, the next config retries it. */
  PortBind: 'SIDELANE_ERR_GATEWAY_PORT_BIND',
} as const;

export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

/** An error of the data path, with the context it happened in (for the log, never for the client). */
export class ProxyError extends Error {
  readonly code: ProxyErrorCode;
  readonly context: Readonly<Record<string, string | number | undefined>>;

  constructor(code: ProxyErrorCode, message: string, context: Record<string, string | number | undefined> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProxyError';
    this.code = code;
    this.context = context;
  }

  get httpStatus(): number {
    return ERROR_MAPPINGS[this.code].http;
  }

  get grpcStatus(): number {
    return ERROR_MAPPINGS[this.code].grpc;
  }
}

/** gRPC's own mapping of an HTTP status from a non-gRPC upstream (grpc/doc/http-grpc-status-mapping.md). */
export function grpcStatusForHttp(status: number): number {
  switch (status) {
    case 400:
      return GRPC.INTERNAL;
    case 401:
      return 16;
    case 403:
      return 7;
    case 404:
      return GRPC.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GRPC.UNAVAILABLE;
    default:
      return GRPC.UNKNOWN;
  }
}
