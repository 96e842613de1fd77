// gRPC through an HTTPS listener: grpc-js (which insists on ALPN h2) verifies the gateway's
// certificate with the test CA, the GRPCRoute matches the service, and the echo's gRPC reply and
// status come back; a method no rule takes is UNIMPLEMENTED from the proxy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { HttpRouteTable } from '../../../src/ir/index.js';
import type { GatewayProxy } from '../../../sidecar/gateway/gateway.js';
import { applyAndSettle, boundPort, Closer, echo, freePort, gatewayClass, httpsListener, meshIR, startGateway, testPki, vhost, type TestPki } from './gateway-harness.js';

const LISTENER_PORT = 443;
const HOST = 'grpc.example.com';
const closer = new Closer();
after(() => closer.closeAll());

let pki: TestPki;
let proxy: GatewayProxy;
let port = 0;

function grpcRoute(service: string, backend: string): HttpRouteTable {
  const ref = { kind: 'GRPCRoute' as const, namespace: 'apps', name: 'echo' };
  return {
    kind: 'http',
    routeKind: 'GRPCRoute',
    routes: [ref],
    matches: [{ rule: 0, match: { grpc: { service: { type: 'Exact', value: service } }, headers: [], queryParams: [] } }],
    rules: [{ id: { route: ref, index: 0 }, filters: [], backends: [{ kind: 'Service', service: { namespace: 'apps', name: backend }, port: 9000, weight: 1, filters: [] }] }],
  };
}

before(async () => {
  pki = await testPki();
  const certificate = await pki.issue('grpc-cert', [HOST]);
  const backend = await echo(closer, 'grpc-echo');
  proxy = await startGateway(closer, { portOffset: (await freePort()) - LISTENER_PORT });
  const ir = meshIR(
    [{ name: 'grpc-echo', port: 9000, endpointPort: backend.address.port, protocol: 'grpc' }],
    gatewayClass([{ port: LISTENER_PORT, kind: 'tls', listeners: [httpsListener('grpc', HOST, [certificate], [vhost(HOST, grpcRoute('echo.Echo', 'grpc-echo'))])] }]),
  );
  await applyAndSettle(proxy, ir, 'v1');
  port = boundPort(proxy, LISTENER_PORT);
});

interface Outcome {
  code: number;
  reply: { name: string; protocol: string; grpc: { service: string; method: string } } | undefined;
  trailers: Record<string, string>;
}

function call(path: string): Promise<Outcome> {
  const client = new grpc.Client(`127.0.0.1:${String(port)}`, grpc.credentials.createSsl(Buffer.from(pki.ca.certPem)), {
    // The SNI and the name checked on the certificate; the authority routes the request.
    'grpc.ssl_target_name_override': HOST,
    'grpc.default_authority': HOST,
  });
  let reply: Buffer | undefined;
  return new Promise<Outcome>((resolve) => {
    const pending = client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, Buffer.from('ping'), new grpc.Metadata(), { deadline: Date.now() + 5000 }, (_err, value) => {
      reply = value;
    });
    pending.on('status', (status: grpc.StatusObject) => {
      // The callback runs before 'status' for unary calls; a tick later both are in.
      setImmediate(() => {
        const trailers: Record<string, string> = {};
        for (const [k, v] of Object.entries(status.metadata.getMap())) trailers[k] = String(v);
        resolve({ code: status.code, reply: reply && status.code === grpc.status.OK ? (JSON.parse(reply.toString()) as Outcome['reply']) : undefined, trailers });
      });
    });
  }).finally(() => {
    client.close();
  });
}

test('a gRPC call over TLS with ALPN h2 reaches the gRPC backend', { timeout: 15_000 }, async () => {
  const outcome = await call('/echo.Echo/Say');
  assert.equal(outcome.code, grpc.status.OK);
  const reply = outcome.reply;
  assert.ok(reply);
  assert.equal(reply.name, 'grpc-echo');
  assert.deepEqual(reply.grpc, { service: 'echo.Echo', method: 'Say' });
  assert.equal(reply.protocol, 'HTTP/2');
});

test('a service no rule takes is UNIMPLEMENTED, answered by the proxy', { timeout: 15_000 }, async () => {
  const outcome = await call('/other.Service/Say');
  assert.equal(outcome.code, grpc.status.UNIMPLEMENTED);
  assert.equal(outcome.trailers['x-sidelane-error'], 'SIDELANE_ERR_NO_ROUTE');
});
