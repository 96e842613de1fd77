// Tracing across two proxies on real sockets: an app's request leaves through sidecar A (outbound,
// client span) and enters the server's pod through sidecar B (inbound, server span) before
// reaching the app. Every hop's span must arrive at the OTLP receiver, linked parent → child, and
// the app must see the server span as its parent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEcho } from '../../../src/echo/index.js';
import { irVersion, normalize } from '../../../src/ir/index.js';
import { translate } from '../../../src/translate/index.js';
import { parseManifests, classify } from '../../../src/api/objects.js';
import { createLogger } from '../../../sidecar/observe/log.js';
import { createTracing } from '../../../sidecar/observe/tracing.js';
import { Sidecar } from '../../../sidecar/proxy.js';
import { request, serviceYaml } from '../../support/mesh.js';
import { startOtlpReceiver } from '../../support/otlp-receiver.js';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

test('client span, server span and the app share one trace, each the child of the hop before', async () => {
  const receiver = await startOtlpReceiver();
  const app = await startEcho({ name: 'app', host: '127.0.0.1', port: 0 });
  const log = createLogger({ level: 'silent' });
  const tracingA = createTracing({ env: {}, serviceName: 'sidecar-a', exporterUrl: receiver.url });
  const tracingB = createTracing({ env: {}, serviceName: 'sidecar-b', exporterUrl: receiver.url });
  // Sidecar B plays the server pod's proxy: iptables would have redirected the connection to its
  // inbound listener with the app's address as original destination; the resolver says so here.
  let inboundPort = -1;
  const b: Sidecar = new Sidecar({
    namespace: 'default',
    outbound: { host: '127.0.0.1', port: 0 },
    inbound: { host: '127.0.0.1', port: 0 },
    origDst: (socket) => (socket.localPort === inboundPort ? { address: '127.0.0.1', port: app.address.port } : undefined),
    log,
    tracing: tracingB,
  });
  const a = new Sidecar({ namespace: 'default', outbound: { host: '127.0.0.1', port: 0 }, log, tracing: tracingA });
  try {
    await b.start();
    inboundPort = b.address('inbound')?.port ?? -1;
    await a.start();
    // Service web's endpoint is sidecar B's inbound listener (the server pod, seen from A).
    const inbound = b.address('inbound');
    assert.ok(inbound);
    const parsed = parseManifests(serviceYaml({ name: 'web', backends: [{ host: '127.0.0.1', port: inbound.port }] }), 'mesh.yaml');
    const { snapshot } = classify(parsed.objects, 'default');
    const ir = normalize(translate(snapshot, { clusterDomain: 'cluster.local' }).ir);
    assert.deepEqual(a.apply(ir, irVersion(ir)), { applied: true, version: irVersion(ir) });

    const res = await request(a.address('outbound')?.port ?? 0, 'web', '/traced', {
      headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
    });
    assert.equal(res.status, 200);
    await Promise.all([tracingA.flush(), tracingB.flush()]);
    const spans = await receiver.waitForSpans(2);
    const client = spans.find((s) => s.kind === 'CLIENT');
    const server = spans.find((s) => s.kind === 'SERVER');
    assert.ok(client && server, `expected a client and a server span, got ${JSON.stringify(spans.map((s) => s.kind))}`);
    assert.equal(client.traceId, CALLER_TRACE);
    assert.equal(client.parentSpanId, CALLER_SPAN, 'the client span continues the app’s trace');
    assert.equal(server.traceId, CALLER_TRACE);
    assert.equal(server.parentSpanId, client.spanId, 'the server span is the child of the client span');
    assert.equal(client.attributes['http.response.status_code'], 200);
    assert.equal(client.attributes['sidelane.backend'], 'default/web:80');
    const seen = res.json?.headers.traceparent?.[0] ?? '';
    assert.match(seen, new RegExp(`^00-${CALLER_TRACE}-${server.spanId}-01$`), 'the app sees the server span as its parent');
  } finally {
    await a.close();
    await b.close();
    await tracingA.shutdown();
    await tracingB.shutdown();
    await app.close();
    await receiver.close();
  }
});
