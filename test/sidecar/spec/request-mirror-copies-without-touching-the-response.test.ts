// RequestMirror: the mirror Service gets a copy (method, path, the headers after the rule's
// modifiers, the body); the client only ever sees the main backend's answer, however slow or
// broken the mirror is; `percent` and `fraction` mirror that share of requests (checked
// statistically, fixed count, wide tolerance). Cases from the conformance tests
// HTTPRouteRequestMirror, HTTPRouteRequestMultipleMirrors and HTTPRouteRequestPercentageMirror.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serviceYaml } from '../../support/mesh.js';
import { recordedHeader, startScriptedBackend, type ScriptedBackend } from '../../support/scripted-backend.js';
import { startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

function mirrored(prefix: string, mirrors: string[], extraFilters = ''): string {
  const filters = mirrors.map((m) => `{type: RequestMirror, requestMirror: ${m}}`);
  return `  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    filters: [${[extraFilters, ...filters].filter((f) => f !== '').join(', ')}]
    backendRefs: [{name: echo-v1, port: 80}]`;
}

const MODIFY = `{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Header-Set, value: set-overwrites-values}], add: [{name: X-Header-Add, value: header-val-1}], remove: [X-Header-Remove]}}`;

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return port;
}

describe('RequestMirror', () => {
  let spec: SpecMesh;
  let recorder: ScriptedBackend;
  let hanging: ScriptedBackend;
  let failing: ScriptedBackend;
  let brokenBody: ScriptedBackend;
  before(async () => {
    brokenBody = await startScriptedBackend('mirror-broken-body', () => ({ status: 200, cutBody: 'reset' }));
    recorder = await startScriptedBackend('mirror-rec');
    hanging = await startScriptedBackend('mirror-hang', () => 'hang');
    failing = await startScriptedBackend('mirror-fail', () => ({ status: 503 }));
    const refused = await closedPort();
    const ref = (name: string, extra = ''): string => `{backendRef: {name: ${name}, port: 80}${extra}}`;
    spec = await startSpecMesh({
      echoes: ['echo-v1', 'echo-v2'],
      manifests: [
        serviceYaml({ name: 'mirror-rec', backends: [recorder.address] }),
        serviceYaml({ name: 'mirror-hang', backends: [hanging.address] }),
        serviceYaml({ name: 'mirror-fail', backends: [failing.address] }),
        serviceYaml({ name: 'mirror-broken-body', backends: [brokenBody.address] }),
        serviceYaml({ name: 'mirror-refused', backends: [{ host: '127.0.0.1', port: refused }] }),
        serviceYaml({ name: 'mirror-unready', backends: [{ ...recorder.address, ready: false }] }),
        `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: request-mirror}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, port: 80}]
  rules:
${[
  mirrored('/mirror', [ref('mirror-rec')]),
  mirrored('/mirror-and-modify-headers', [ref('mirror-rec')], MODIFY),
  mirrored('/multi-mirror', [ref('mirror-rec'), ref('echo-v2')]),
  mirrored('/percent-mirror', [ref('echo-v2', ', percent: 20')]),
  mirrored('/percent-mirror-fraction', [ref('echo-v2', ', fraction: {numerator: 25, denominator: 50}')]),
  mirrored('/zero-percent', [ref('echo-v2', ', percent: 0')]),
  mirrored('/slow-mirror', [ref('mirror-hang')]),
  mirrored('/failing-mirror', [ref('mirror-fail')]),
  mirrored('/broken-body-mirror', [ref('mirror-broken-body')]),
  mirrored('/refused-mirror', [ref('mirror-refused')]),
  mirrored('/unready-mirror', [ref('mirror-unready')]),
].join('\n')}`,
      ].join('\n---\n'),
    });
  });
  after(async () => {
    await spec.close();
    await Promise.all([recorder.close(), hanging.close(), failing.close(), brokenBody.close()]);
  });

  test('HTTPRouteRequestMirror: the mirror gets the same request, the client the main answer', async () => {
    const before = recorder.requests.length;
    const body = Buffer.alloc(10_000, 'm');
    const res = await spec.get('/mirror/x?y=1', { method: 'POST', body, headers: { 'x-mine': 'yes' } });
    assert.equal(res.status, 200);
    assert.equal(res.json?.name, 'echo-v1');
    assert.equal(res.json.body.bytes, body.length);
    await recorder.waitForRequests(before + 1);
    const copy = recorder.requests[before];
    assert.equal(copy?.method, 'POST');
    assert.equal(copy.url, '/mirror/x?y=1');
    assert.equal(copy.bodyBytes, body.length);
    assert.deepEqual(recordedHeader(copy, 'x-mine'), ['yes']);
  });

  test('the mirror sees the headers as the rule modified them', async () => {
    const before = recorder.requests.length;
    const res = await spec.get('/mirror-and-modify-headers', { headers: { 'X-Header-Set': 'set-val', 'X-Header-Remove': 'remove-val' } });
    assert.equal(res.json?.name, 'echo-v1');
    await recorder.waitForRequests(before + 1);
    const copy = recorder.requests[before];
    assert.deepEqual(recordedHeader(copy, 'x-header-set'), ['set-overwrites-values']);
    assert.deepEqual(recordedHeader(copy, 'x-header-add'), ['header-val-1']);
    assert.deepEqual(recordedHeader(copy, 'x-header-remove'), []);
  });

  test('HTTPRouteRequestMultipleMirrors: every mirror gets a copy', async () => {
    const rec = recorder.requests.length;
    const v2 = spec.echoes['echo-v2']?.log.length ?? 0;
    const res = await spec.get('/multi-mirror');
    assert.equal(res.json?.name, 'echo-v1');
    await recorder.waitForRequests(rec + 1);
    await waitFor(() => (spec.echoes['echo-v2']?.log.length ?? 0) === v2 + 1);
    assert.equal(spec.echoes['echo-v2']?.log.at(-1)?.path, '/multi-mirror');
  });

  test('HTTPRouteRequestPercentageMirror: percent and fraction mirror that share (400 requests, ±0.1, 4σ)', async () => {
    const count = 400;
    for (const [path, share] of [
      ['/percent-mirror', 0.2],
      ['/percent-mirror-fraction', 0.5],
      ['/zero-percent', 0],
    ] as const) {
      const log = spec.echoes['echo-v2']?.log ?? [];
      const before = log.length;
      const answers = await spec.tally(count, path);
      assert.deepEqual([...answers], [['echo-v1', count]], path);
      // Mirrors are fire-and-forget: give the last ones a moment to land.
      await new Promise((r) => setTimeout(r, 200));
      const mirroredShare = (log.length - before) / count;
      assert.ok(Math.abs(mirroredShare - share) <= 0.1, `${path}: mirrored ${mirroredShare}, want ${share} ± 0.1`);
    }
  });

  test('a mirror that never answers does not slow the main request', async () => {
    const started = Date.now();
    const res = await spec.get('/slow-mirror', { method: 'POST', body: 'payload' });
    assert.equal(res.status, 200);
    assert.equal(res.json?.name, 'echo-v1');
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    await hanging.waitForRequests(1);
  });

  test('a failing, refusing, endpoint-less or mid-body broken mirror leaves the main answer alone', async () => {
    for (const path of ['/failing-mirror', '/refused-mirror', '/unready-mirror', '/broken-body-mirror']) {
      const res = await spec.get(path, { method: 'POST', body: 'payload' });
      assert.equal(res.status, 200, `${path}: ${res.body}`);
      assert.equal(res.json?.name, 'echo-v1', path);
      assert.equal(res.json.body.bytes, 7, path);
    }
    await failing.waitForRequests(1);
    await brokenBody.waitForRequests(1);
    // The mirror's broken answer is dropped quietly: the proxy still serves.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await spec.get('/mirror')).status, 200);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
