// The OpenTelemetry SDK, exporter and propagators, loaded on first use. With tracing off (no OTLP
// endpoint) they are never loaded: about 15 MB of a proxy's memory that buys nothing then.
import { createRequire } from 'node:module';
import type * as Core from '@opentelemetry/core';
import type * as Exporter from '@opentelemetry/exporter-trace-otlp-http';
import type * as B3 from '@opentelemetry/propagator-b3';
import type * as Resources from '@opentelemetry/resources';
import type * as SdkTraceBase from '@opentelemetry/sdk-trace-base';

export interface OtelSdk {
  core: typeof Core;
  exporter: typeof Exporter;
  b3: typeof B3;
  resources: typeof Resources;
  sdk: typeof SdkTraceBase;
}

const require = createRequire(import.meta.url);
let loaded: OtelSdk | undefined;

export function otelSdk(): OtelSdk {
  loaded ??= {
    core: require('@opentelemetry/core') as typeof Core,
    exporter: require('@opentelemetry/exporter-trace-otlp-http') as typeof Exporter,
    b3: require('@opentelemetry/propagator-b3') as typeof B3,
    resources: require('@opentelemetry/resources') as typeof Resources,
    sdk: require('@opentelemetry/sdk-trace-base') as typeof SdkTraceBase,
  };
  return loaded;
}
