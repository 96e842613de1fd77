import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTracing, type HeaderCarrier, type ProxyTracing } from '../../../sidecar/observe/tracing.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../support/otlp-receiver.js';

const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

function headers(initial: Record<string, string> = {}): HeaderCarrier & { all: Map<string, string> } {
  const all = new Map(Object.entries(initial));
  return { all, get: (name) => all.get(name), set: (name, value) => all.set(name, value) };
}

let receiver: OtlpReceiver;
let tracing: ProxyTracing;

before(async () => {
  receiver = await startOtlpReceiver();
  tracing = createTracing({ env: {}, serviceName: 'sidelane-proxy', exporterUrl: receiver.url });
});
after(async () => {
  await tracing.shutdown();
  await receiver.close();
});

/** Exports the ended spans and returns what the receiver got for `spanId`. */
async function exported(spanId: string): Promise<ReceivedSpan> {
  await tracing.flush();
  const span = receiver.spans().find((s) => s.spanId === spanId);
  assert.ok(span, `span ${spanId} was exported`);
  return span;
}

test('a W3C traceparent makes the server span a child of the caller', async () => {
  const inbound = headers({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, tracestate: 'vendor=x' });
  const span = tracing.startServerSpan('GET /a', inbound, {});
  assert.ok(span);
  assert.equal(span.traceId, CALLER_TRACE);
  span.end(200);
  const server = await exported(span.spanId);
  assert.equal(server.traceId, CALLER_TRACE);
  assert.equal(server.parentSpanId, CALLER_SPAN);
  assert.equal(server.kind, 'SERVER');
  assert.equal(inbound.all.get('traceparent'), `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, 'start leaves headers alone');
});

test('a single b3 header is accepted', async () => {
  const span = tracing.startServerSpan('GET /b3', headers({ b3: `${CALLER_TRACE}-${CALLER_SPAN}-1` }), {});
  assert.ok(span);
  span.end(200);
  const server = await exported(span.spanId);
  assert.equal(server.traceId, CALLER_TRACE);
  assert.equal(server.parentSpanId, CALLER_SPAN);
});

test('multi x-b3-* headers are accepted', async () => {
  const inbound = headers({ 'x-b3-traceid': CALLER_TRACE, 'x-b3-spanid': CALLER_SPAN, 'x-b3-sampled': '1' });
  const span = tracing.startServerSpan('GET /b3m', inbound, {});
  assert.ok(span);
  span.end(200);
  const server = await exported(span.spanId);
  assert.equal(server.traceId, CALLER_TRACE);
  assert.equal(server.parentSpanId, CALLER_SPAN);
});

test('without trace headers the server span starts a trace', async () => {
  const span = tracing.startServerSpan('GET /new', headers(), {});
  assert.ok(span);
  assert.match(span.traceId, /^[0-9a-f]{32}$/);
  span.end(200);
  const server = await exported(span.spanId);
  assert.equal(server.parentSpanId, '');
});

test('a client span is a child of the server span and goes upstream in traceparent', async () => {
  const inbound = headers({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` });
  const server = tracing.startServerSpan('GET /chain', inbound, {});
  assert.ok(server);
  const upstream = headers({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` });
  const client = tracing.startClientSpan('GET', upstream, {}, server);
  assert.ok(client);
  assert.equal(upstream.all.get('traceparent'), `00-${CALLER_TRACE}-${client.spanId}-01`);
  client.end(200);
  server.end(200);
  const clientSpan = await exported(client.spanId);
  const serverSpan = await exported(server.spanId);
  assert.equal(clientSpan.kind, 'CLIENT');
  assert.equal(clientSpan.traceId, CALLER_TRACE);
  assert.equal(clientSpan.parentSpanId, serverSpan.spanId);
});

test('the server span can be handed to the local app as its parent', async () => {
  const inbound = headers({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` });
  const server = tracing.startServerSpan('GET /app', inbound, {});
  assert.ok(server);
  server.inject(inbound);
  assert.equal(inbound.all.get('traceparent'), `00-${CALLER_TRACE}-${server.spanId}-01`);
  server.end(200);
  await exported(server.spanId);
});

test('without a server span the client span continues the app trace, W3C written even after B3', async () => {
  const fromApp = headers({
    'x-b3-traceid': CALLER_TRACE,
    'x-b3-spanid': CALLER_SPAN,
    'x-b3-parentspanid': '1111111111111111',
    'x-b3-sampled': '1',
  });
  const client = tracing.startClientSpan('GET', fromApp, {});
  assert.ok(client);
  assert.equal(fromApp.all.get('traceparent'), `00-${CALLER_TRACE}-${client.spanId}-01`);
  // The B3 headers now agree with traceparent, so a Zipkin-only upstream joins the same span.
  assert.equal(fromApp.all.get('x-b3-spanid'), client.spanId);
  assert.equal(fromApp.all.get('x-b3-parentspanid'), CALLER_SPAN);
  client.end(200);
  const clientSpan = await exported(client.spanId);
  assert.equal(clientSpan.traceId, CALLER_TRACE);
  assert.equal(clientSpan.parentSpanId, CALLER_SPAN);
});

test('a single b3 header from the app is rewritten to the client span', () => {
  const fromApp = headers({ b3: `${CALLER_TRACE}-${CALLER_SPAN}-1` });
  const client = tracing.startClientSpan('GET', fromApp, {});
  assert.ok(client);
  assert.equal(fromApp.all.get('b3'), `${CALLER_TRACE}-${client.spanId}-1`);
  assert.equal(fromApp.all.get('traceparent'), `00-${CALLER_TRACE}-${client.spanId}-01`);
  client.end(200);
});

test('a caller that sampled the trace out keeps it out, and the flag travels upstream', async () => {
  const inbound = headers({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-00` });
  const server = tracing.startServerSpan('GET /quiet', inbound, {});
  assert.ok(server);
  const upstream = headers();
  const client = tracing.startClientSpan('GET', upstream, {}, server);
  assert.ok(client);
  assert.equal(upstream.all.get('traceparent'), `00-${CALLER_TRACE}-${client.spanId}-00`);
  client.end(200);
  server.end(200);
  await tracing.flush();
  assert.equal(receiver.spans().filter((s) => s.spanId === server.spanId || s.spanId === client.spanId).length, 0);
});
