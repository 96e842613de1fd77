// backendRefs weights: requests are shared in proportion to weight (MeshHTTPRouteWeight: 70/30
// over 500 requests; the conformance tolerance is ±5% with up to ten tries, here one try at ±8%,
// about 4σ), weight 0 is never chosen, and an invalid backendRef keeps its weight: that share of
// requests is answered 500 (HTTPRoute spec, BackendRef weight).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

const COUNT = 500;
const TOLERANCE = 0.08;

function share(seen: Map<string, number>, name: string): number {
  return (seen.get(name) ?? 0) / COUNT;
}

describe('backend weights', () => {
  let spec: SpecMesh;
  before(async () => {
    spec = await startSpecMesh({
      echoes: ['echo-v1', 'echo-v2', 'echo-v3'],
      manifests: `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: mesh-weight}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, port: 80}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /split}}]
    backendRefs:
    - {name: echo-v1, port: 80, weight: 70}
    - {name: echo-v2, port: 80, weight: 30}
  - matches: [{path: {type: PathPrefix, value: /zero}}]
    backendRefs:
    - {name: echo-v1, port: 80, weight: 1}
    - {name: echo-v2, port: 80, weight: 1}
    - {name: echo-v3, port: 80, weight: 0}
  - matches: [{path: {type: PathPrefix, value: /default-weight}}]
    backendRefs:
    - {name: echo-v1, port: 80}
    - {name: echo-v2, port: 80}
  - matches: [{path: {type: PathPrefix, value: /backend-filters}}]
    backendRefs:
    - {name: echo-v1, port: 80, filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: X-Chosen, value: v1}]}}]}
    - {name: echo-v2, port: 80, filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: X-Chosen, value: v2}]}}]}
  - matches: [{path: {type: PathPrefix, value: /partly-invalid}}]
    backendRefs:
    - {name: echo-v1, port: 80, weight: 50}
    - {name: does-not-exist, port: 80, weight: 50}`,
    });
  });
  after(() => spec.close());

  test('70/30 over 500 requests lands within ±8% of the weights', async () => {
    const seen = await spec.tally(COUNT, '/split');
    assert.deepEqual([...seen.keys()].sort(), ['echo-v1', 'echo-v2']);
    assert.ok(Math.abs(share(seen, 'echo-v1') - 0.7) <= TOLERANCE, `echo-v1 got ${share(seen, 'echo-v1')}`);
    assert.ok(Math.abs(share(seen, 'echo-v2') - 0.3) <= TOLERANCE, `echo-v2 got ${share(seen, 'echo-v2')}`);
  });

  test('weight 0 is never chosen', async () => {
    const seen = await spec.tally(COUNT, '/zero');
    assert.equal(seen.get('echo-v3'), undefined);
    assert.ok(Math.abs(share(seen, 'echo-v1') - 0.5) <= TOLERANCE, `echo-v1 got ${share(seen, 'echo-v1')}`);
  });

  test('weights default to 1: an even split', async () => {
    const seen = await spec.tally(COUNT, '/default-weight');
    assert.ok(Math.abs(share(seen, 'echo-v1') - 0.5) <= TOLERANCE, `echo-v1 got ${share(seen, 'echo-v1')}`);
  });

  test('only the filters of the backendRef that was chosen apply', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const res = await spec.get('/backend-filters');
      const name = res.json?.name ?? '?';
      seen.add(name);
      assert.equal(res.headers['x-chosen'], name.replace('echo-', ''));
    }
    assert.equal(seen.size, 2);
  });

  test('the share of an invalid backendRef is answered 500, the rest is served', async () => {
    const seen = await spec.tally(COUNT, '/partly-invalid');
    const errors = seen.get('') ?? 0;
    assert.equal(errors + (seen.get('echo-v1') ?? 0), COUNT);
    assert.ok(Math.abs(errors / COUNT - 0.5) <= TOLERANCE, `500s: ${errors / COUNT}`);
    // What one of those answers looks like (one in two requests: 40 tries miss it 1 time in 10^12).
    for (let i = 0; i < 40; i++) {
      const res = await spec.get('/partly-invalid');
      if (res.status === 200) continue;
      assert.equal(res.status, 500);
      assert.equal(res.headers[ERROR_HEADER], ProxyErrorCode.InvalidBackend);
      return;
    }
    assert.fail('no 500 in 40 requests');
  });
});
