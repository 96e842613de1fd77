// Reads the standard OTEL_* settings from an env record given by the entry point (never from
// process.env directly) and builds a private tracer provider with an OTLP/HTTP JSON exporter.
// Nothing here is registered globally: several proxies in one process each get their own.

import type { Tracer } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { BufferConfig, ReadableSpan, Sampler, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { otelSdk } from './otel-sdk.js';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export type TracingEnv = Readonly<Record<string, string | undefined>>;

/** Instrumentation scope name of every span the proxy makes. */
export const TRACER_NAME = 'sidelane-proxy';

/**
 * Where spans go, or undefined when tracing is off. The signal-specific endpoint is used as is;
 * the generic one gets `/v1/traces` appended (OTLP exporter spec). `OTEL_SDK_DISABLED=true` or an
 * `OTEL_TRACES_EXPORTER` without `otlp` (e.g. `none`) turn tracing off even with an endpoint.
 */
export function tracesEndpoint(env: TracingEnv, override?: string): string | undefined {
  if (override !== undefined && override !== '') return override;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const exporters = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporters !== undefined && exporters !== '' && !exporters.split(',').some((e) => e.trim() === 'otlp')) {
    return undefined;
  }
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (specific !== undefined && specific !== '') return specific;
  const generic = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (generic === undefined || generic === '') return undefined;
  return `${generic.endsWith('/') ? generic : `${generic}/`}v1/traces`;
}

/** The sampler named by OTEL_TRACES_SAMPLER(_ARG); parent-based always-on by default, as the SDK. */
export function samplerFromEnv(env: TracingEnv, warn: (message: string) => void): Sampler {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase() ?? 'parentbased_always_on';
  const ratio = (): number => {
    const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
    if (arg === undefined || arg === '') return 1;
    const value = Number(arg);
    if (Number.isFinite(value) && value >= 0 && value <= 1) return value;
    warn(`OTEL_TRACES_SAMPLER_ARG=${arg} is not a ratio in [0, 1]; using 1`);
    return 1;
  };
  switch (name) {
    case 'always_on':
      return new (otelSdk().sdk.AlwaysOnSampler)();
    case 'always_off':
      return new (otelSdk().sdk.AlwaysOffSampler)();
    case 'traceidratio':
      return new (otelSdk().sdk.TraceIdRatioBasedSampler)(ratio());
    case 'parentbased_always_off':
      return new (otelSdk().sdk.ParentBasedSampler)({ root: new (otelSdk().sdk.AlwaysOffSampler)() });
    case 'parentbased_traceidratio':
      return new (otelSdk().sdk.ParentBasedSampler)({ root: new (otelSdk().sdk.TraceIdRatioBasedSampler)(ratio()) });
    case 'parentbased_always_on':
    case '':
      return new (otelSdk().sdk.ParentBasedSampler)({ root: new (otelSdk().sdk.AlwaysOnSampler)() });
    default:
      warn(`OTEL_TRACES_SAMPLER=${name} is not supported; using parentbased_always_on`);
      return new (otelSdk().sdk.ParentBasedSampler)({ root: new (otelSdk().sdk.AlwaysOnSampler)() });
  }
}

export interface SdkTracing {
  readonly tracer: Tracer;
  /** Both resolve even when the export fails: the failure goes to `warn`, a drain goes on. */
  readonly flush: () => Promise<void>;
  readonly shutdown: () => Promise<void>;
}

export interface SdkTracingOptions {
  env: TracingEnv;
  serviceName: string;
  tracesUrl: string;
  warn: (message: string) => void;
}

/** A provider of our own (not registered globally) exporting in batches to `tracesUrl`. */
export function createSdkTracing(options: SdkTracingOptions): SdkTracing {
  const { env, warn } = options;
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (protocol === 'grpc') {
    // Said out loud: a collector's gRPC port (4317) refuses HTTP. http/protobuf is left alone: an
    // OTLP/HTTP receiver takes JSON on the same port.
    warn('OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported; traces are sent as OTLP/HTTP JSON');
  }
  const resourceAttributes = otelSdk().core.parseKeyPairsIntoRecord(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName = env.OTEL_SERVICE_NAME?.trim();
  const resource = otelSdk().resources.defaultResource().merge(
    otelSdk().resources.resourceFromAttributes({
      ...resourceAttributes,
      [ATTR_SERVICE_NAME]: serviceName !== undefined && serviceName !== '' ? serviceName : options.serviceName,
    }),
  );
  const headers = {
    ...otelSdk().core.parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_HEADERS),
    ...otelSdk().core.parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
  };
  const exporter = new ReportingExporter(new (otelSdk().exporter.OTLPTraceExporter)({ url: options.tracesUrl, headers }), warn);
  const provider = new (otelSdk().sdk.BasicTracerProvider)({
    resource,
    sampler: samplerFromEnv(env, warn),
    spanProcessors: [new (otelSdk().sdk.BatchSpanProcessor)(exporter, batchConfigFromEnv(env, warn))],
  });
  const reportFailure = (error: unknown): void => {
    // An export failure was told already by the exporter; this catches the rest (e.g. timeouts).
    if (!exporter.failing) warn(`trace export failed: ${error instanceof Error ? error.message : String(error)}`);
  };
  return {
    tracer: provider.getTracer(TRACER_NAME),
    flush: () => provider.forceFlush().catch(reportFailure),
    shutdown: () => provider.shutdown().catch(reportFailure),
  };
}

/**
 * Tells `warn` when exports start failing (once, not per batch: a collector that is down would
 * flood the log) and when they work again. The SDK alone would only tell the global diag logger.
 */
class ReportingExporter implements SpanExporter {
  readonly #exporter: SpanExporter;
  readonly #warn: (message: string) => void;
  #failing = false;

  constructor(exporter: SpanExporter, warn: (message: string) => void) {
    this.#exporter = exporter;
    this.#warn = warn;
  }

  get failing(): boolean {
    return this.#failing;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.#exporter.export(spans, (result) => {
      const failed = result.code !== otelSdk().core.ExportResultCode.SUCCESS;
      if (failed && !this.#failing) {
        this.#warn(`trace export failing: ${result.error?.message ?? 'unknown error'}; spans are dropped`);
      } else if (!failed && this.#failing) {
        this.#warn('trace export works again');
      }
      this.#failing = failed;
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.#exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#exporter.forceFlush?.() ?? Promise.resolve();
  }
}

/** OTEL_BSP_* from the given env (the SDK would read process.env); unset: the SDK's defaults. */
function batchConfigFromEnv(env: TracingEnv, warn: (message: string) => void): BufferConfig {
  const positive = (name: string): number | undefined => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (Number.isInteger(value) && value > 0) return value;
    warn(`${name}=${raw} is not a positive integer; using the default`);
    return undefined;
  };
  const config: BufferConfig = {};
  const delay = positive('OTEL_BSP_SCHEDULE_DELAY');
  if (delay !== undefined) config.scheduledDelayMillis = delay;
  const timeout = positive('OTEL_BSP_EXPORT_TIMEOUT');
  if (timeout !== undefined) config.exportTimeoutMillis = timeout;
  const queue = positive('OTEL_BSP_MAX_QUEUE_SIZE');
  if (queue !== undefined) config.maxQueueSize = queue;
  const batch = positive('OTEL_BSP_MAX_EXPORT_BATCH_SIZE');
  if (batch !== undefined) config.maxExportBatchSize = batch;
  return config;
}
