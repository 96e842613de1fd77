// backendRefs weights on a Gateway's route: requests are shared in proportion to weight
// (HTTPRouteWeight: 70/20/10 over 600 requests, here at ±6%, about 4σ for the largest share),
// weight 0 is never chosen, and when every weight is 0 the answer is 500
// (HTTPRouteAllBackendsWeightZero). Over HTTP/1.1 keep-alive, each request is chosen anew.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

const COUNT = 600;
const TOLERANCE = 0.06;

describe('backend weights on a Gateway route', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({
      echoes: ['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v3'],
      manifests: `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: same-namespace}
spec:
  gatewayClassName: sidelane
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: weighted-backends}
spec:
  parentRefs: [{name: same-namespace}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /}}]
    backendRefs:
    - {name: infra-backend-v1, port: 8080, weight: 70}
    - {name: infra-backend-v2, port: 8080, weight: 20}
    - {name: infra-backend-v3, port: 8080, weight: 10}
  - matches: [{path: {type: PathPrefix, value: /zero}}]
    backendRefs:
    - {name: infra-backend-v1, port: 8080, weight: 1}
    - {name: infra-backend-v3, port: 8080, weight: 0}
  - matches: [{path: {type: PathPrefix, value: /all-zero}}]
    backendRefs:
    - {name: infra-backend-v1, port: 8080, weight: 0}
    - {name: infra-backend-v2, port: 8080, weight: 0}`,
    });
  });
  after(() => gw.close());

  test('HTTPRouteWeight: 70/20/10 lands within ±6% of the weights', async () => {
    const seen = await gw.tally(COUNT, '/');
    assert.deepEqual([...seen.keys()].sort(), ['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v3']);
    for (const [name, weight] of [['infra-backend-v1', 0.7], ['infra-backend-v2', 0.2], ['infra-backend-v3', 0.1]] as const) {
      const share = (seen.get(name) ?? 0) / COUNT;
      assert.ok(Math.abs(share - weight) <= TOLERANCE, `${name} got ${share}, want ${weight}`);
    }
  });

  test('weight 0 is never chosen', async () => {
    const seen = await gw.tally(200, '/zero');
    assert.deepEqual([...seen], [['infra-backend-v1', 200]]);
  });

  test('HTTPRouteAllBackendsWeightZero: every weight 0 → 500', async () => {
    const res = await gw.get('/all-zero');
    assert.equal(res.status, 500, res.body);
    assert.equal(res.headers[ERROR_HEADER], ProxyErrorCode.InvalidBackend);
  });
});
