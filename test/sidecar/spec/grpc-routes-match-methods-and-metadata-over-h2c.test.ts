// GRPCRoute through the proxy with a real gRPC client (@grpc/grpc-js over h2c, generic client,
// Buffer serializers): method matches Exact and RegularExpression on service and method (cases of
// the conformance test GRPCExactMethodMatching), metadata matches (GRPCRouteHeaderMatching), the
// request header modifier (MeshGRPCRouteRequestHeaderModifier),
// UNIMPLEMENTED when nothing matches, UNAVAILABLE for an invalid backend, and weights
// (MeshGRPCRouteWeight, 70/30 over 500 calls within ±8%).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { GrpcCaller, GrpcStatus } from '../../support/grpc-call.js';
import { serviceYaml } from '../../support/mesh.js';
import { startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

const ECHO = 'gateway_api_conformance.grpc_echo.grpcecho.GrpcEcho';

function grpcService(name: string, backends: { host: string; port: number }[]): string {
  return serviceYaml({ name, port: 50051, portName: 'grpc', appProtocol: 'grpc', backends });
}

function grpcRoute(name: string, parent: string, rules: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{group: "", kind: Service, name: ${parent}, port: 50051}]
  rules:
${rules}`;
}

const to = (backend: string, weight?: number): string => `{name: ${backend}, port: 50051${weight === undefined ? '' : `, weight: ${weight}`}}`;

describe('GRPCRoute', () => {
  let spec: SpecMesh;
  const callers: GrpcCaller[] = [];
  const caller = (service: string): GrpcCaller => {
    const c = new GrpcCaller(spec.mesh.port, `${service}:50051`);
    callers.push(c);
    return c;
  };
  before(async () => {
    spec = await startSpecMesh({
      echoes: ['grpc-echo-v1', 'grpc-echo-v2', 'grpc-echo-v3'],
      manifests: (echoAddress) =>
        [
          grpcService('grpc-v1', [echoAddress('grpc-echo-v1')]),
          grpcService('grpc-v2', [echoAddress('grpc-echo-v2')]),
          grpcService('grpc-v3', [echoAddress('grpc-echo-v3')]),
          grpcService('grpc-methods', []),
          grpcService('grpc-headers', []),
          grpcService('grpc-weights', []),
          grpcService('grpc-unrouted', [echoAddress('grpc-echo-v3')]),
          grpcRoute(
            'exact-and-regex',
            'grpc-methods',
            `  - matches: [{method: {service: ${ECHO}, method: Echo}}]
    backendRefs: [${to('grpc-v1')}]
  - matches: [{method: {service: ${ECHO}, method: EchoTwo}}]
    backendRefs: [${to('grpc-v2')}]
  - matches: [{method: {type: RegularExpression, service: "regex\\\\.Svc[0-9]+", method: "Get.*"}}]
    backendRefs: [${to('grpc-v3')}]
  - matches: [{method: {service: only.Service}}]
    backendRefs: [${to('grpc-v2')}]
  - matches: [{method: {service: only.Service, method: Special}}]
    backendRefs: [${to('grpc-v1')}]
  - matches: [{method: {service: broken.Service}}]
    backendRefs: [${to('does-not-exist')}]
  - matches: [{method: {service: modify.Service}}]
    filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Header-Set, value: set-overwrites-values}], add: [{name: X-Header-Add, value: add-appends-values}], remove: [X-Header-Remove]}}]
    backendRefs: [${to('grpc-v1')}]`,
          ),
          // GRPCRouteHeaderMatching: more headers win; matches of one rule are ORed.
          grpcRoute(
            'header-matching',
            'grpc-headers',
            `  - matches: [{headers: [{name: version, value: one}]}]
    backendRefs: [${to('grpc-v1')}]
  - matches: [{headers: [{name: version, value: two}]}]
    backendRefs: [${to('grpc-v2')}]
  - matches: [{headers: [{name: version, value: two}, {name: color, value: orange}]}]
    backendRefs: [${to('grpc-v1')}]
  - matches: [{headers: [{name: color, value: blue}]}, {headers: [{name: color, value: green}]}]
    backendRefs: [${to('grpc-v1')}]
  - matches: [{headers: [{name: color, value: red}]}, {headers: [{name: color, value: yellow}]}]
    backendRefs: [${to('grpc-v2')}]
  - matches: [{headers: [{type: RegularExpression, name: tenant, value: "acme-[0-9]+"}]}]
    backendRefs: [${to('grpc-v3')}]`,
          ),
          grpcRoute(
            'weights',
            'grpc-weights',
            `  - backendRefs: [${to('grpc-v1', 70)}, ${to('grpc-v2', 30)}, ${to('grpc-v3', 0)}]`,
          ),
        ].join('\n---\n'),
    });
  });
  after(async () => {
    for (const c of callers) c.close();
    await spec.close();
  });

  test('GRPCExactMethodMatching: exact service and method choose the backend; no match is UNIMPLEMENTED', async () => {
    const c = caller('grpc-methods');
    const one = await c.call(`/${ECHO}/Echo`);
    assert.equal(one.code, GrpcStatus.OK, one.details);
    assert.equal(one.reply?.name, 'grpc-echo-v1');
    assert.deepEqual(one.reply.grpc, { service: ECHO, method: 'Echo' });
    assert.equal((await c.call(`/${ECHO}/EchoTwo`)).reply?.name, 'grpc-echo-v2');
    const three = await c.call(`/${ECHO}/EchoThree`);
    assert.equal(three.code, GrpcStatus.UNIMPLEMENTED);
    assert.equal(three.trailers[ERROR_HEADER], ProxyErrorCode.NoRoute);
  });

  test('RegularExpression matches the whole service and method name', async () => {
    const c = caller('grpc-methods');
    assert.equal((await c.call('/regex.Svc42/GetThing')).reply?.name, 'grpc-echo-v3');
    assert.equal((await c.call('/regex.Svc42x/GetThing')).code, GrpcStatus.UNIMPLEMENTED);
    assert.equal((await c.call('/regex.Svc42/PutThing')).code, GrpcStatus.UNIMPLEMENTED);
  });

  test('a service-only match takes every method; a method match on the same service wins', async () => {
    const c = caller('grpc-methods');
    assert.equal((await c.call('/only.Service/Anything')).reply?.name, 'grpc-echo-v2');
    assert.equal((await c.call('/only.Service/Special')).reply?.name, 'grpc-echo-v1');
  });

  test('an invalid backend is UNAVAILABLE', async () => {
    const res = await caller('grpc-methods').call('/broken.Service/Call');
    assert.equal(res.code, GrpcStatus.UNAVAILABLE);
    assert.equal(res.trailers[ERROR_HEADER], ProxyErrorCode.InvalidBackend);
  });

  test('MeshGRPCRouteRequestHeaderModifier: the backend sees the modified metadata', async () => {
    const res = await caller('grpc-methods').call('/modify.Service/Call', { 'x-header-set': 'some-other-value', 'x-header-add': 'original', 'x-header-remove': 'val' });
    assert.equal(res.code, GrpcStatus.OK, res.details);
    assert.deepEqual(res.reply?.headers['x-header-set'], ['set-overwrites-values']);
    assert.deepEqual(res.reply.headers['x-header-add'], ['original', 'add-appends-values']);
    assert.equal(res.reply.headers['x-header-remove'], undefined);
  });

  test('GRPCRouteHeaderMatching: metadata chooses the backend', async () => {
    const c = caller('grpc-headers');
    // A backend's echo name, or UNIMPLEMENTED.
    const cases: [Record<string, string>, string][] = [
      [{ version: 'one' }, 'grpc-echo-v1'],
      [{ version: 'two' }, 'grpc-echo-v2'],
      [{ version: 'two', color: 'orange' }, 'grpc-echo-v1'],
      [{ version: 'two', color: 'blue' }, 'grpc-echo-v2'],
      [{ color: 'orange' }, 'UNIMPLEMENTED'],
      [{ 'some-other-header': 'one' }, 'UNIMPLEMENTED'],
      [{ color: 'blue' }, 'grpc-echo-v1'],
      [{ color: 'green' }, 'grpc-echo-v1'],
      [{ color: 'red' }, 'grpc-echo-v2'],
      [{ color: 'yellow' }, 'grpc-echo-v2'],
      [{ color: 'purple' }, 'UNIMPLEMENTED'],
      [{ tenant: 'acme-7' }, 'grpc-echo-v3'],
      [{ tenant: 'acme-x' }, 'UNIMPLEMENTED'],
    ];
    for (const [metadata, want] of cases) {
      const res = await c.call(`/${ECHO}/Echo`, metadata);
      if (want === 'UNIMPLEMENTED') assert.equal(res.code, GrpcStatus.UNIMPLEMENTED, JSON.stringify(metadata));
      else assert.equal(res.reply?.name, want, `${JSON.stringify(metadata)}: ${res.details}`);
    }
  });

  test('MeshGRPCRouteWeight: 70/30 over 500 calls within ±8%, weight 0 never', async () => {
    const c = caller('grpc-weights');
    const seen = new Map<string, number>();
    for (let batch = 0; batch < 50; batch++) {
      const results = await Promise.all(Array.from({ length: 10 }, () => c.call(`/${ECHO}/Echo`)));
      for (const r of results) seen.set(r.reply?.name ?? `code ${r.code}`, (seen.get(r.reply?.name ?? `code ${r.code}`) ?? 0) + 1);
    }
    assert.deepEqual([...seen.keys()].sort(), ['grpc-echo-v1', 'grpc-echo-v2']);
    const v1 = (seen.get('grpc-echo-v1') ?? 0) / 500;
    assert.ok(Math.abs(v1 - 0.7) <= 0.08, `grpc-echo-v1 got ${v1}`);
  });

  test('a gRPC Service without routes is reached directly', async () => {
    const res = await caller('grpc-unrouted').call('/any.Service/Any');
    assert.equal(res.reply?.name, 'grpc-echo-v3');
  });
});
