// HTTPRouteRule.timeouts on a Gateway's route (GEP-1742): `request` bounds the whole exchange and
// its expiry is a 504 sent in time; `backendRequest` bounds each attempt; a backend answering
// within the bounds is untouched. Cases from the conformance tests HTTPRouteTimeoutRequest and
// HTTPRouteTimeoutBackendRequest; the backend's delay comes from x-echo-delay-ms.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

const rule = (prefix: string, timeouts: string): string => `  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    timeouts: ${timeouts}
    backendRefs: [{name: infra-backend-v1, port: 8080}]`;

describe('timeouts on a Gateway route', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({
      echoes: ['infra-backend-v1'],
      manifests: `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: same-namespace}
spec:
  gatewayClassName: sidelane
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: request-timeout}
spec:
  parentRefs: [{name: same-namespace}]
  rules:
${[
  rule('/request-timeout', '{request: 500ms}'),
  rule('/backend-timeout', '{backendRequest: 300ms}'),
  rule('/disabled', '{request: 0s}'),
].join('\n')}`,
    });
  });
  after(() => gw.close());

  async function timed(path: string, delayMs: number): Promise<{ status: number; code: unknown; ms: number }> {
    const started = Date.now();
    const res = await gw.get(path, { headers: { 'x-echo-delay-ms': String(delayMs) } });
    return { status: res.status, code: res.headers[ERROR_HEADER], ms: Date.now() - started };
  }

  test('HTTPRouteTimeoutRequest: a backend slower than the request timeout → 504 at about the timeout', async () => {
    const { status, code, ms } = await timed('/request-timeout', 2000);
    assert.equal(status, 504);
    assert.equal(code, ProxyErrorCode.UpstreamTimeout);
    assert.ok(ms >= 450 && ms < 1500, `answered after ${ms} ms`);
  });

  test('HTTPRouteTimeoutRequest: a backend within the timeout answers', async () => {
    const { status } = await timed('/request-timeout', 50);
    assert.equal(status, 200);
  });

  test('HTTPRouteTimeoutBackendRequest: an attempt slower than backendRequest → 504', async () => {
    const { status, code, ms } = await timed('/backend-timeout', 2000);
    assert.equal(status, 504);
    assert.equal(code, ProxyErrorCode.UpstreamTimeout);
    assert.ok(ms >= 250 && ms < 1500, `answered after ${ms} ms`);
  });

  test('request: 0s disables the timeout', async () => {
    const { status, ms } = await timed('/disabled', 1200);
    assert.equal(status, 200);
    assert.ok(ms >= 1100, `answered after ${ms} ms`);
  });
});
