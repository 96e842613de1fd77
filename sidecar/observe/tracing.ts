// Spans of the data path: a SERVER span per request the proxy receives, a CLIENT span per request
// it sends upstream, joined to the caller's trace through W3C (or B3) headers. Without an OTLP
// endpoint, tracing is a constant that answers undefined: no provider, no spans, no header parsing.

import { SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import { extractTraceContext, injectTraceContext, spanIdOf, type HeaderCarrier } from './trace-headers.js';
import { createSdkTracing, tracesEndpoint, type TracingEnv } from './tracing-setup.js';

export type { HeaderCarrier } from './trace-headers.js';

export type SpanAttributes = Record<string, string | number | boolean>;

/** Attribute names for the data path: OTel HTTP semantic conventions plus our own. */
export const SpanAttr = {
  route: 'sidelane.route',
  rule: 'sidelane.rule',
  backend: 'sidelane.backend',
  endpoint: 'sidelane.endpoint',
  errorCode: 'sidelane.error_code',
  method: ATTR_HTTP_REQUEST_METHOD,
  statusCode: ATTR_HTTP_RESPONSE_STATUS_CODE,
  path: ATTR_URL_PATH,
  scheme: ATTR_URL_SCHEME,
  serverAddress: ATTR_SERVER_ADDRESS,
  serverPort: ATTR_SERVER_PORT,
  peerAddress: ATTR_NETWORK_PEER_ADDRESS,
  peerPort: ATTR_NETWORK_PEER_PORT,
  protocolVersion: ATTR_NETWORK_PROTOCOL_VERSION,
  errorType: ATTR_ERROR_TYPE,
} as const;

/** A proxy-made failure: its stable code (SIDELANE_ERR_…) and a message for the trace. */
export interface SpanError {
  code: string;
  message: string;
}

export interface ProxySpan {
  /** Context holding this span: the parent for the next span. */
  readonly context: Context;
  /** Hex ids, for the access log and for tests. */
  readonly traceId: string;
  readonly spanId: string;
  setAttributes(attributes: SpanAttributes): void;
  /** Writes this span as the parent into `headers` (e.g. the request forwarded to the local app). */
  inject(headers: HeaderCarrier): void;
  /** Ends the span once (later calls are ignored); `statusCode` 0 means no response was received. */
  end(statusCode: number, error?: SpanError): void;
}

export interface ProxyTracing {
  readonly enabled: boolean;
  /** Inbound: continues the caller's trace from `headers`, or starts one; undefined when disabled. */
  startServerSpan(name: string, headers: HeaderCarrier, attributes: SpanAttributes): ProxySpan | undefined;
  /**
   * Outbound: a child of `parent`, or, without one, of the trace the app put in `headers`; then
   * writes the new span into `headers` (W3C, and B3 if the app used it). Undefined when disabled.
   */
  startClientSpan(
    name: string,
    headers: HeaderCarrier,
    attributes: SpanAttributes,
    parent?: ProxySpan,
  ): ProxySpan | undefined;
  /** Exports the spans ended so far. Never rejects: a failed export is told to `onWarning`. */
  flush(): Promise<void>;
  /** Flushes, then stops exporting. Never rejects. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** OTEL_* settings; the entry point passes process.env. */
  env: TracingEnv;
  /** service.name unless OTEL_SERVICE_NAME says otherwise, e.g. `sidelane-proxy`. */
  serviceName: string;
  /** Full traces URL (…/v1/traces), overriding the env; for tests. */
  exporterUrl?: string;
  /** Told about settings that cannot be honoured and about exports failing and recovering. */
  onWarning?: (message: string) => void;
}

const DISABLED: ProxyTracing = Object.freeze({
  enabled: false,
  startServerSpan: () => undefined,
  startClientSpan: () => undefined,
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
});

export function createTracing(options: TracingOptions): ProxyTracing {
  const url = tracesEndpoint(options.env, options.exporterUrl);
  if (url === undefined) return DISABLED;
  const { tracer, flush, shutdown } = createSdkTracing({
    env: options.env,
    serviceName: options.serviceName,
    tracesUrl: url,
    warn: options.onWarning ?? (() => undefined),
  });
  return new SdkProxyTracing(tracer, flush, shutdown);
}

class SdkProxyTracing implements ProxyTracing {
  readonly enabled = true;
  readonly #tracer: Tracer;
  readonly #flush: () => Promise<void>;
  readonly #shutdown: () => Promise<void>;

  constructor(tracer: Tracer, flush: () => Promise<void>, shutdown: () => Promise<void>) {
    this.#tracer = tracer;
    this.#flush = flush;
    this.#shutdown = shutdown;
  }

  startServerSpan(name: string, headers: HeaderCarrier, attributes: SpanAttributes): ProxySpan {
    const parent = extractTraceContext(headers);
    const span = this.#tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    return new RecordedSpan(span, SpanKind.SERVER, parent, spanIdOf(parent));
  }

  startClientSpan(name: string, headers: HeaderCarrier, attributes: SpanAttributes, parent?: ProxySpan): ProxySpan {
    const parentContext = parent?.context ?? extractTraceContext(headers);
    const span = this.#tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parentContext);
    const client = new RecordedSpan(span, SpanKind.CLIENT, parentContext, parent?.spanId ?? spanIdOf(parentContext));
    client.inject(headers);
    return client;
  }

  flush(): Promise<void> {
    return this.#flush();
  }

  shutdown(): Promise<void> {
    return this.#shutdown();
  }
}

class RecordedSpan implements ProxySpan {
  readonly context: Context;
  readonly traceId: string;
  readonly spanId: string;
  readonly #span: Span;
  readonly #kind: SpanKind;
  readonly #parentSpanId: string | undefined;
  #ended = false;

  constructor(span: Span, kind: SpanKind, parent: Context, parentSpanId: string | undefined) {
    this.#span = span;
    this.#kind = kind;
    this.#parentSpanId = parentSpanId;
    this.context = trace.setSpan(parent, span);
    const { traceId, spanId } = span.spanContext();
    this.traceId = traceId;
    this.spanId = spanId;
  }

  setAttributes(attributes: SpanAttributes): void {
    this.#span.setAttributes(attributes);
  }

  inject(headers: HeaderCarrier): void {
    // Downstream, this span is the parent; B3's x-b3-parentspanid names this span's own parent.
    injectTraceContext(this.context, headers, this.#parentSpanId);
  }

  end(statusCode: number, error?: SpanError): void {
    if (this.#ended) return;
    this.#ended = true;
    const span = this.#span;
    if (statusCode > 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
    // HTTP semconv: a server span fails on 5xx only (a 4xx is the caller's doing, even one the
    // proxy made, e.g. no route), a client span on 4xx too; no response at all fails either.
    const failed = statusCode > 0 ? statusCode >= (this.#kind === SpanKind.SERVER ? 500 : 400) : error !== undefined;
    if (error !== undefined) {
      span.setAttribute(SpanAttr.errorCode, error.code);
      span.setAttribute(ATTR_ERROR_TYPE, error.code);
    } else if (failed) {
      span.setAttribute(ATTR_ERROR_TYPE, String(statusCode));
    }
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message });
    span.end();
  }
}
