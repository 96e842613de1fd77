// A Service port without a route table for this client behaves as without a mesh: explain says so
// and lists the port's endpoints.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainRequest, formatExplain } from '../../src/cli/explain.js';
import { parseRequest } from '../../src/cli/explain-request.js';
import type { MeshIR } from '../../src/ir/index.js';

const ir: MeshIR = {
  schema: 'sidelane.io/ir/v1alpha1',
  clusterDomain: 'cluster.local',
  services: [
    {
      ref: { namespace: 'shop', name: 'cart' },
      type: 'ClusterIP',
      headless: false,
      clusterIPs: ['10.96.1.1'],
      hostnames: ['cart', 'cart.shop', 'cart.shop.svc', 'cart.shop.svc.cluster.local'],
      ports: [{ name: '', port: 80, transport: 'TCP', targetPort: 8080, protocol: 'tcp', protocolSource: 'default', consumers: [] }],
    },
  ],
  endpoints: [
    {
      service: { namespace: 'shop', name: 'cart' },
      ports: [{ servicePort: 80, transport: 'TCP', name: '', endpoints: [{ address: '10.0.1.5', port: 8080, ready: true, serving: true, terminating: false, zone: 'a' }] }],
    },
  ],
};

test('no route attached: the Service behaves as without a mesh, endpoints listed', () => {
  const r = explainRequest(ir, parseRequest('http://cart.shop/'), 'web');
  assert.equal(r.outcome, 'no-route');
  assert.equal(r.routes?.why, 'no route attached: the Service behaves as without a mesh');
  assert.deepEqual(r.endpoints, [{ address: '10.0.1.5', port: 8080, ready: true, serving: true, terminating: false, zone: 'a' }]);
  assert.match(formatExplain(r), /endpoints\n {2}10\.0\.1\.5:8080 {2}ready {2}\(zone a\)/);
});
