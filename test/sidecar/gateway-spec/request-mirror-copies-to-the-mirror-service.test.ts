// RequestMirror on a Gateway's route: the mirror Service gets a copy of each request (method,
// path, the headers after the rule's modifiers, the body) while the client sees only the main
// backend's answer, however the mirror fares; `percent` mirrors that share of requests. Cases
// from the conformance tests HTTPRouteRequestMirror, HTTPRouteRequestMultipleMirrors and
// HTTPRouteRequestPercentageMirror.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { serviceYaml } from '../../support/mesh.js';
import { recordedHeader, startScriptedBackend, type ScriptedBackend } from '../../support/scripted-backend.js';
import type { LoggedEcho } from '../../support/spec-mesh.js';
import { startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

const MODIFY = `{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Header-Set, value: set-overwrites-values}], add: [{name: X-Header-Add, value: header-val-1}], remove: [X-Header-Remove]}}`;

const mirrored = (prefix: string, filters: string[]): string => `  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    filters: [${filters.join(', ')}]
    backendRefs: [{name: infra-backend-v1, port: 8080}]`;
const mirror = (name: string, extra = ''): string => `{type: RequestMirror, requestMirror: {backendRef: {name: ${name}, port: 8080}${extra}}}`;

async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('RequestMirror on a Gateway route', () => {
  let gw: SpecGateway;
  let v2: LoggedEcho;
  let v3: LoggedEcho;
  let recorder: ScriptedBackend;
  before(async () => {
    recorder = await startScriptedBackend('mirror-recorder');
    gw = await startSpecGateway({
      echoes: ['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v3'],
      manifests: `${serviceYaml({ name: 'mirror-recorder', port: 8080, backends: [recorder.address] })}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: same-namespace}
spec:
  gatewayClassName: sidelane
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: request-mirror}
spec:
  parentRefs: [{name: same-namespace}]
  rules:
${[
  mirrored('/mirror', [mirror('mirror-recorder')]),
  mirrored('/mirror-and-modify-headers', [MODIFY, mirror('mirror-recorder')]),
  mirrored('/multi-mirror', [mirror('infra-backend-v2'), mirror('infra-backend-v3')]),
  mirrored('/percent-mirror', [mirror('infra-backend-v3', ', percent: 20')]),
  mirrored('/to-nowhere', [mirror('no-such-service')]),
].join('\n')}`,
    });
    v2 = gw.echoes['infra-backend-v2'] ?? assert.fail('no v2');
    v3 = gw.echoes['infra-backend-v3'] ?? assert.fail('no v3');
  });
  after(async () => {
    await gw.close();
    await recorder.close();
  });

  test('HTTPRouteRequestMirror: the mirror gets the same request, the client the main answer', async () => {
    const before = recorder.requests.length;
    const body = Buffer.alloc(10_000, 'm');
    const res = await gw.get('/mirror/x?y=1', { method: 'POST', body, headers: { 'x-mine': 'yes' } });
    assert.equal(res.status, 200);
    assert.equal(res.json?.name, 'infra-backend-v1');
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
    const res = await gw.get('/mirror-and-modify-headers', { headers: { 'X-Header-Set': 'set-val', 'X-Header-Remove': 'remove-val' } });
    assert.equal(res.json?.name, 'infra-backend-v1');
    await recorder.waitForRequests(before + 1);
    const copy = recorder.requests[before];
    assert.deepEqual(recordedHeader(copy, 'x-header-set'), ['set-overwrites-values']);
    assert.deepEqual(recordedHeader(copy, 'x-header-add'), ['header-val-1']);
    assert.deepEqual(recordedHeader(copy, 'x-header-remove'), []);
  });

  test('HTTPRouteRequestMultipleMirrors: every mirror gets a copy', async () => {
    const [b2, b3] = [v2.log.length, v3.log.length];
    await gw.get('/multi-mirror');
    await waitFor(() => v2.log.length === b2 + 1 && v3.log.length === b3 + 1, 'both copies');
  });

  test('HTTPRouteRequestPercentageMirror: 20% of 400 requests are mirrored (±0.1)', async () => {
    const before = v3.log.length;
    const answers = await gw.tally(400, '/percent-mirror');
    assert.deepEqual([...answers], [['infra-backend-v1', 400]]);
    await new Promise((r) => setTimeout(r, 200));
    const share = (v3.log.length - before) / 400;
    assert.ok(Math.abs(share - 0.2) <= 0.1, `mirrored ${share}`);
  });

  test('a mirror to a missing Service leaves the main answer alone', async () => {
    const res = await gw.get('/to-nowhere');
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json?.name, 'infra-backend-v1');
  });
});
