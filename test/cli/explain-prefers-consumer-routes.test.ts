// Consumer routes (routes in the client's namespace) replace the producer routes for that client;
// other clients get the producer routes; explain says which group it used and why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainRequest } from '../../src/cli/explain.js';
import { parseRequest } from '../../src/cli/explain-request.js';
import type { HttpRouteTable, MeshIR, RouteRef } from '../../src/ir/index.js';

function tableTo(route: RouteRef, backend: string): HttpRouteTable {
  return {
    kind: 'http',
    routeKind: 'HTTPRoute',
    routes: [route],
    matches: [{ rule: 0, match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] } }],
    rules: [
      {
        id: { route, index: 0 },
        filters: [],
        backends: [{ kind: 'Service', service: { namespace: 'bookinfo', name: backend }, port: 9080, weight: 1, filters: [] }],
      },
    ],
  };
}

const producer: RouteRef = { kind: 'HTTPRoute', namespace: 'bookinfo', name: 'reviews-producer' };
const consumer: RouteRef = { kind: 'HTTPRoute', namespace: 'frontend', name: 'reviews-canary' };

const ir: MeshIR = {
  schema: 'sidelane.io/ir/v1alpha1',
  clusterDomain: 'cluster.local',
  services: [
    {
      ref: { namespace: 'bookinfo', name: 'reviews' },
      type: 'ClusterIP',
      headless: false,
      clusterIPs: ['10.96.0.10'],
      hostnames: ['reviews', 'reviews.bookinfo', 'reviews.bookinfo.svc', 'reviews.bookinfo.svc.cluster.local'],
      ports: [
        {
          name: 'http',
          port: 9080,
          transport: 'TCP',
          targetPort: 9080,
          protocol: 'http',
          protocolSource: 'portName',
          producer: tableTo(producer, 'reviews-v1'),
          consumers: [{ namespace: 'frontend', table: tableTo(consumer, 'reviews-v2') }],
        },
      ],
    },
  ],
  endpoints: [],
};

test('clients in a namespace with consumer routes use them', () => {
  const r = explainRequest(ir, parseRequest('http://reviews.bookinfo:9080/'), 'frontend');
  assert.equal(r.routes?.group, 'consumer');
  assert.equal(r.routes.why, 'consumer routes of namespace frontend win over the producer routes of bookinfo');
  assert.deepEqual(r.routes.merged, ['HTTPRoute frontend/reviews-canary']);
  assert.equal(r.http?.backends[0]?.target, 'bookinfo/reviews-v2:9080');
});

test('other clients use the producer routes, and are told why', () => {
  const r = explainRequest(ir, parseRequest('http://reviews.bookinfo:9080/'), 'default');
  assert.equal(r.routes?.group, 'producer');
  assert.equal(r.routes.why, "producer routes (in the Service's namespace bookinfo) apply to every client; namespace default has no consumer routes (frontend do)");
  assert.equal(r.http?.backends[0]?.target, 'bookinfo/reviews-v1:9080');
  assert.equal(r.verdict, 'routed by HTTPRoute bookinfo/reviews-producer rule 0 to bookinfo/reviews-v1:9080 100%');
});
