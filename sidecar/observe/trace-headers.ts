// Trace context in request headers: read W3C `traceparent`/`tracestate` or B3 (single `b3` or
// multi `x-b3-*`), write W3C. When the request already carried B3, the B3 headers are rewritten
// too, so a Zipkin-only hop downstream sees the same parent as a W3C one.

import { ROOT_CONTEXT, isSpanContextValid, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import type { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { B3Propagator } from '@opentelemetry/propagator-b3';
import { otelSdk } from './otel-sdk.js';

// The B3 header names (as @opentelemetry/propagator-b3 exports them), kept here so reading them
// does not load the propagators.
const B3_CONTEXT_HEADER = 'b3';
const X_B3_TRACE_ID = 'x-b3-traceid';
const X_B3_PARENT_SPAN_ID = 'x-b3-parentspanid';

/** Request headers as the data path holds them; names are lower-case. */
export interface HeaderCarrier {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

const getter: TextMapGetter<HeaderCarrier> = {
  // The propagators used here only ask for named headers, never iterate.
  keys: () => [],
  get: (carrier, key) => carrier.get(key),
};

const setter: TextMapSetter<HeaderCarrier> = {
  set: (carrier, key, value) => {
    carrier.set(key, value);
  },
};

interface Propagators {
  w3c: W3CTraceContextPropagator;
  b3Single: B3Propagator;
  b3Multi: B3Propagator;
  extractor: CompositePropagator;
}

let made: Propagators | undefined;

/** Made on first use: only a proxy with tracing on reads or writes trace headers. */
function propagators(): Propagators {
  if (made) return made;
  const { core, b3 } = otelSdk();
  const w3c = new core.W3CTraceContextPropagator();
  const b3Single = new b3.B3Propagator({ injectEncoding: b3.B3InjectEncoding.SINGLE_HEADER });
  const b3Multi = new b3.B3Propagator({ injectEncoding: b3.B3InjectEncoding.MULTI_HEADER });
  // Extraction runs left to right, each on the previous result: W3C last, so it wins when a
  // request carries both. B3Propagator reads the single header if present, else the multi headers.
  const extractor = new core.CompositePropagator({ propagators: [b3Single, w3c] });
  made = { w3c, b3Single, b3Multi, extractor };
  return made;
}

/** The caller's trace context from `headers`, as a parent context (ROOT_CONTEXT when none). */
export function extractTraceContext(headers: HeaderCarrier): Context {
  return propagators().extractor.extract(ROOT_CONTEXT, headers, getter);
}

/**
 * Writes the span of `context` into `headers` as `traceparent` (+ `tracestate`), replacing what was
 * there. B3 headers already present are rewritten in their own encoding; `parentSpanId` feeds
 * `x-b3-parentspanid` when the request had one.
 */
export function injectTraceContext(context: Context, headers: HeaderCarrier, parentSpanId: string | undefined): void {
  const { w3c, b3Single, b3Multi } = propagators();
  w3c.inject(context, headers, setter);
  if (headers.get(B3_CONTEXT_HEADER) !== undefined) {
    b3Single.inject(context, headers, setter);
  } else if (headers.get(X_B3_TRACE_ID) !== undefined) {
    b3Multi.inject(context, headers, setter);
    if (parentSpanId !== undefined && headers.get(X_B3_PARENT_SPAN_ID) !== undefined) {
      headers.set(X_B3_PARENT_SPAN_ID, parentSpanId);
    }
  }
}

/** Span id of the span in `context`, if it holds a valid one. */
export function spanIdOf(context: Context): string | undefined {
  const spanContext = trace.getSpanContext(context);
  return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.spanId : undefined;
}
