// HTTPRouteRule.timeouts (GEP-1742): `request` bounds the whole exchange, retries included, and
// its expiry is a 504; `0s` disables it; `backendRequest` bounds each attempt, and with a retry
// policy a timed-out attempt is tried again while the request timeout allows. Cases from the
// conformance tests HTTPRouteTimeoutRequest and HTTPRouteTimeoutBackendRequest (the backend's
// delay comes from x-echo-delay-ms instead of ?delay=1s), plus both timeouts with retries.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { serviceYaml } from '../../support/mesh.js';
import { startScriptedBackend, type ScriptedBackend } from '../../support/scripted-backend.js';
import { startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

function rule(prefix: string, backend: string, extra: string): string {
  return `  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    backendRefs: [{name: ${backend}, port: 80}]
${extra}`;
}

describe('timeouts', () => {
  let spec: SpecMesh;
  let slowFirst: ScriptedBackend;
  let alwaysSlow: ScriptedBackend;
  let stallsBody: ScriptedBackend;
  before(async () => {
    stallsBody = await startScriptedBackend('stalls-body', () => ({ status: 200, cutBody: 'stall' }));
    slowFirst = await startScriptedBackend('slow-first', (req) => ({ status: 200, delayMs: req.attempt === 1 ? 1500 : 0 }));
    alwaysSlow = await startScriptedBackend('always-slow', () => ({ status: 200, delayMs: 1500 }));
    spec = await startSpecMesh({
      echoes: ['echo-v1'],
      manifests: [
        serviceYaml({ name: 'slow-first', backends: [slowFirst.address] }),
        serviceYaml({ name: 'always-slow', backends: [alwaysSlow.address] }),
        serviceYaml({ name: 'stalls-body', backends: [stallsBody.address] }),
        `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: timeouts}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, port: 80}]
  rules:
${[
  rule('/request-timeout', 'echo-v1', '    timeouts: {request: 500ms}'),
  rule('/disable-request-timeout', 'echo-v1', '    timeouts: {request: 0s}'),
  rule('/backend-timeout', 'echo-v1', '    timeouts: {backendRequest: 300ms}'),
  rule('/backend-timeout-retried', 'slow-first', '    timeouts: {request: 3s, backendRequest: 300ms}\n    retry: {attempts: 2, codes: [503], backoff: 10ms}'),
  rule('/stalled-body-request', 'stalls-body', '    timeouts: {request: 300ms}'),
  rule('/stalled-body-backend', 'stalls-body', '    timeouts: {backendRequest: 300ms}'),
  rule('/request-timeout-bounds-retries', 'always-slow', '    timeouts: {request: 700ms, backendRequest: 200ms}\n    retry: {attempts: 10, codes: [503], backoff: 10ms}'),
].join('\n')}`,
      ].join('\n---\n'),
    });
  });
  after(async () => {
    await spec.close();
    await Promise.all([slowFirst.close(), alwaysSlow.close(), stallsBody.close()]);
  });

  async function timed(path: string, delayMs?: number): Promise<{ status: number; code: unknown; ms: number }> {
    const started = Date.now();
    const res = await spec.get(path, delayMs === undefined ? {} : { headers: { 'x-echo-delay-ms': String(delayMs) } });
    return { status: res.status, code: res.headers[ERROR_HEADER], ms: Date.now() - started };
  }

  test('HTTPRouteTimeoutRequest: a fast answer passes, a slow one is a 504 after about the timeout', async () => {
    assert.equal((await timed('/request-timeout')).status, 200);
    const slow = await timed('/request-timeout', 1500);
    assert.equal(slow.status, 504);
    assert.equal(slow.code, ProxyErrorCode.UpstreamTimeout);
    assert.ok(slow.ms >= 450 && slow.ms < 1200, `504 after ${slow.ms} ms, want about 500`);
  });

  test('HTTPRouteTimeoutRequest: a request timeout of 0s disables it', async () => {
    const res = await timed('/disable-request-timeout', 1000);
    assert.equal(res.status, 200);
    assert.ok(res.ms >= 1000);
  });

  test('HTTPRouteTimeoutBackendRequest: a slow attempt is a 504 after about backendRequest', async () => {
    assert.equal((await timed('/backend-timeout')).status, 200);
    const slow = await timed('/backend-timeout', 1500);
    assert.equal(slow.status, 504);
    assert.equal(slow.code, ProxyErrorCode.UpstreamTimeout);
    assert.ok(slow.ms >= 250 && slow.ms < 1000, `504 after ${slow.ms} ms, want about 300`);
  });

  test('with retries, an attempt cut by backendRequest is tried again and the second answer comes back', async () => {
    const res = await timed('/backend-timeout-retried');
    assert.equal(res.status, 200);
    assert.equal(slowFirst.requests.length, 2);
    assert.ok(res.ms >= 300 && res.ms < 1200, `answered after ${res.ms} ms, want about 300 + backoff`);
  });

  test('the request timeout bounds every retry: 504 by `request`, with several attempts made', async () => {
    const res = await timed('/request-timeout-bounds-retries');
    assert.equal(res.status, 504);
    assert.equal(res.code, ProxyErrorCode.UpstreamTimeout);
    // Never later than `request`; earlier when the next backoff would not fit before it (the
    // proxy does not start an attempt the request timeout would cut at once).
    assert.ok(res.ms >= 400 && res.ms < 1300, `504 after ${res.ms} ms, want at most about 700`);
    assert.ok(alwaysSlow.requests.length >= 2 && alwaysSlow.requests.length <= 4, `${alwaysSlow.requests.length} attempts`);
  });

  test('both timeouts run until the whole response is in: a body that stalls is cut by a reset', async () => {
    for (const path of ['/stalled-body-request', '/stalled-body-backend']) {
      const started = Date.now();
      await assert.rejects(spec.get(path), /aborted|socket hang up|ECONNRESET/, path);
      const ms = Date.now() - started;
      assert.ok(ms >= 250 && ms < 1200, `${path}: cut after ${ms} ms, want about 300`);
    }
  });
});
