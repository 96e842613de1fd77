// Requests entering the mesh at the gateway get a SERVER span: a new trace when the client sent
// none, a child of the client's span when it did. Either way the backend receives the trace context
// with the gateway's span as its parent.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { createTracing, type ProxyTracing } from '../../../sidecar/observe/tracing.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../support/otlp-receiver.js';
import { applyAndSettle, Closer, echo, freePort, gatewayClass, httpListener, meshIR, routeTo, startGateway, vhost } from './gateway-harness.js';

const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';
const closer = new Closer();
after(() => closer.closeAll());

let receiver: OtlpReceiver;
let tracing: ProxyTracing;
let port = 0;

before(async () => {
  receiver = await startOtlpReceiver();
  closer.add(() => receiver.close());
  tracing = createTracing({ env: {}, serviceName: 'sidelane-gateway', exporterUrl: receiver.url });
  closer.add(() => tracing.shutdown());
  const web = await echo(closer, 'web');
  port = await freePort();
  const proxy = await startGateway(closer, { tracing });
  await applyAndSettle(
    proxy,
    meshIR([{ name: 'web', port: 80, endpointPort: web.address.port }], gatewayClass([{ port, kind: 'http', listeners: [httpListener('http', '*', [vhost('*', routeTo('web', 'web', 80))])] }])),
    'v1',
  );
});

/** The traceparent the backend received. */
function backendTraceparent(headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/traced', headers: { host: 'web.example.com', ...headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const report = JSON.parse(body) as { headers: Record<string, string[]> };
        resolve(report.headers.traceparent?.[0] ?? '');
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function exportedSpan(spanId: string): Promise<ReceivedSpan> {
  await tracing.flush();
  const span = receiver.spans().find((s) => s.spanId === spanId);
  assert.ok(span, `span ${spanId} was exported`);
  return span;
}

function parse(traceparent: string): { traceId: string; parentId: string } {
  const [, traceId = '', parentId = ''] = traceparent.split('-');
  return { traceId, parentId };
}

test('a request without trace headers starts a trace at the gateway', { timeout: 10_000 }, async () => {
  const sent = parse(await backendTraceparent({}));
  assert.match(sent.traceId, /^[0-9a-f]{32}$/);
  const span = await exportedSpan(sent.parentId);
  assert.equal(span.kind, 'SERVER');
  assert.equal(span.traceId, sent.traceId);
  assert.equal(span.parentSpanId, '');
  assert.equal(span.attributes['http.response.status_code'], 200);
});

test("a client's trace continues through the gateway to the backend", { timeout: 10_000 }, async () => {
  const sent = parse(await backendTraceparent({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` }));
  assert.equal(sent.traceId, CALLER_TRACE);
  assert.notEqual(sent.parentId, CALLER_SPAN);
  const span = await exportedSpan(sent.parentId);
  assert.equal(span.kind, 'SERVER');
  assert.equal(span.parentSpanId, CALLER_SPAN);
});
