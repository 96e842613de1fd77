import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTracing, SpanAttr, type HeaderCarrier, type ProxyTracing } from '../../../sidecar/observe/tracing.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlp-receiver.js';

function headers(): HeaderCarrier {
  const all = new Map<string, string>();
  return { get: (name) => all.get(name), set: (name, value) => all.set(name, value) };
}

let receiver: OtlpReceiver;
let tracing: ProxyTracing;
const warnings: string[] = [];

before(async () => {
  receiver = await startOtlpReceiver();
  // Configured the way a pod is: the generic endpoint (the exporter appends /v1/traces), a
  // service name and extra resource attributes, all from the environment given.
  tracing = createTracing({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace(/\/v1\/traces$/, ''),
      OTEL_SERVICE_NAME: 'reviews-sidecar',
      OTEL_RESOURCE_ATTRIBUTES: 'k8s.pod.name=reviews-1,k8s.namespace.name=shop',
      OTEL_TRACES_SAMPLER: 'no_such_sampler',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      // Exported by the batch processor's own timer in the first test, not by a flush.
      OTEL_BSP_SCHEDULE_DELAY: '20',
    },
    serviceName: 'sidelane-proxy',
    onWarning: (message) => warnings.push(message),
  });
});
after(async () => {
  await tracing.shutdown();
  await receiver.close();
});

test('spans reach an OTLP receiver with route, rule, backend and HTTP attributes', async () => {
  const server = tracing.startServerSpan('GET /reviews', headers(), {
    [SpanAttr.method]: 'GET',
    [SpanAttr.path]: '/reviews/1',
    [SpanAttr.serverAddress]: 'reviews.shop',
    [SpanAttr.peerAddress]: '10.0.0.7',
  });
  assert.ok(server);
  server.setAttributes({ [SpanAttr.route]: 'shop/reviews', [SpanAttr.rule]: '0', [SpanAttr.backend]: 'shop/reviews-v2:9080' });
  const client = tracing.startClientSpan('GET', headers(), { [SpanAttr.method]: 'GET' }, server);
  assert.ok(client);
  client.end(200);
  server.end(200);
  const spans = await receiver.waitForSpans(2);
  const serverSpan = spans.find((s) => s.spanId === server.spanId);
  assert.ok(serverSpan);
  assert.equal(serverSpan.name, 'GET /reviews');
  assert.deepEqual(serverSpan.attributes, {
    'http.request.method': 'GET',
    'url.path': '/reviews/1',
    'server.address': 'reviews.shop',
    'network.peer.address': '10.0.0.7',
    'sidelane.route': 'shop/reviews',
    'sidelane.rule': '0',
    'sidelane.backend': 'shop/reviews-v2:9080',
    'http.response.status_code': 200,
  });
  assert.equal(serverSpan.status.code, 'UNSET');
  assert.equal(serverSpan.scope, 'sidelane-proxy');
  assert.equal(serverSpan.resource['service.name'], 'reviews-sidecar');
  assert.equal(serverSpan.resource['k8s.pod.name'], 'reviews-1');
  assert.deepEqual(warnings, [
    'OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported; traces are sent as OTLP/HTTP JSON',
    'OTEL_TRACES_SAMPLER=no_such_sampler is not supported; using parentbased_always_on',
  ]);
});

test('span status follows the HTTP conventions and carries the proxy error code', async () => {
  const notFound = tracing.startServerSpan('GET', headers(), {});
  const unavailable = tracing.startServerSpan('GET', headers(), {});
  const clientNotFound = tracing.startClientSpan('GET', headers(), {});
  const refused = tracing.startClientSpan('GET', headers(), {});
  assert.ok(notFound && unavailable && clientNotFound && refused);
  notFound.end(404, { code: 'SIDELANE_ERR_NO_ROUTE', message: 'no route rule matched the request' });
  unavailable.end(503);
  clientNotFound.end(404);
  refused.end(0, { code: 'SIDELANE_ERR_UPSTREAM_CONNECT', message: 'connect ECONNREFUSED' });
  refused.end(200); // a second end is ignored
  await tracing.flush();
  const byId = new Map(receiver.spans().map((s) => [s.spanId, s]));

  const noRoute = byId.get(notFound.spanId);
  assert.equal(noRoute?.status.code, 'UNSET', 'a 4xx is not a server-side failure');
  assert.equal(noRoute.attributes['sidelane.error_code'], 'SIDELANE_ERR_NO_ROUTE');
  assert.equal(noRoute.attributes['http.response.status_code'], 404);

  const serverError = byId.get(unavailable.spanId);
  assert.equal(serverError?.status.code, 'ERROR');
  assert.equal(serverError.attributes['error.type'], '503');

  assert.equal(byId.get(clientNotFound.spanId)?.status.code, 'ERROR', 'a client span fails on 4xx');

  const connect = byId.get(refused.spanId);
  assert.deepEqual(connect?.status, { code: 'ERROR', message: 'connect ECONNREFUSED' });
  assert.equal(connect.attributes['error.type'], 'SIDELANE_ERR_UPSTREAM_CONNECT');
  assert.equal(connect.attributes['http.response.status_code'], undefined);
});
