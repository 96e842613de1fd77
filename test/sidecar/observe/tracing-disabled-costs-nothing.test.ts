import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTracing, type HeaderCarrier } from '../../../sidecar/observe/tracing.js';

/** Headers that record every access: a disabled tracer must not even read them. */
function watchedHeaders(): { carrier: HeaderCarrier; accesses: string[] } {
  const accesses: string[] = [];
  const carrier: HeaderCarrier = {
    get: (name) => {
      accesses.push(`get ${name}`);
      return name === 'traceparent' ? '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' : undefined;
    },
    set: (name) => {
      accesses.push(`set ${name}`);
    },
  };
  return { carrier, accesses };
}

test('without an OTLP endpoint tracing is disabled and touches no headers', async () => {
  const tracing = createTracing({ env: {}, serviceName: 'sidelane-proxy' });
  assert.equal(tracing.enabled, false);
  const { carrier, accesses } = watchedHeaders();
  const server = tracing.startServerSpan('GET', carrier, { 'url.path': '/' });
  assert.equal(server, undefined);
  assert.equal(tracing.startClientSpan('GET', carrier, { 'url.path': '/' }), undefined);
  assert.deepEqual(accesses, []);
  await tracing.flush();
  await tracing.shutdown();
});

test('OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none win over an endpoint', async () => {
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' };
  assert.equal(createTracing({ env: { ...endpoint, OTEL_SDK_DISABLED: 'true' }, serviceName: 's' }).enabled, false);
  assert.equal(createTracing({ env: { ...endpoint, OTEL_TRACES_EXPORTER: 'none' }, serviceName: 's' }).enabled, false);
  const enabled = createTracing({ env: { ...endpoint, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' }, serviceName: 's' });
  assert.equal(enabled.enabled, true);
  await enabled.shutdown();
});
