// A request whose path is /<service>/<method> is matched against a GRPCRoute table with gRPC
// semantics; explain names the gRPC condition that failed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainRequest } from '../../src/cli/explain.js';
import { parseRequest } from '../../src/cli/explain-request.js';
import type { MeshIR, RouteRef } from '../../src/ir/index.js';

const route: RouteRef = { kind: 'GRPCRoute', namespace: 'greet', name: 'greeter' };
const ir: MeshIR = {
  schema: 'sidelane.io/ir/v1alpha1',
  clusterDomain: 'cluster.local',
  services: [
    {
      ref: { namespace: 'greet', name: 'greeter' },
      type: 'ClusterIP',
      headless: false,
      clusterIPs: ['10.96.2.2'],
      hostnames: ['greeter', 'greeter.greet', 'greeter.greet.svc', 'greeter.greet.svc.cluster.local'],
      ports: [
        {
          name: 'grpc',
          port: 50051,
          transport: 'TCP',
          targetPort: 50051,
          protocol: 'grpc',
          protocolSource: 'appProtocol',
          producer: {
            kind: 'http',
            routeKind: 'GRPCRoute',
            routes: [route],
            matches: [{ rule: 0, match: { headers: [], queryParams: [], grpc: { service: { type: 'Exact', value: 'helloworld.Greeter' }, method: { type: 'Exact', value: 'SayHello' } } } }],
            rules: [{ id: { route, index: 0 }, filters: [], backends: [{ kind: 'Service', service: { namespace: 'greet', name: 'greeter-v2' }, port: 50051, weight: 1, filters: [] }] }],
          },
          consumers: [],
        },
      ],
    },
  ],
  endpoints: [],
};

test('a gRPC call matches by service and method', () => {
  const r = explainRequest(ir, parseRequest('POST http://greeter.greet:50051/helloworld.Greeter/SayHello'), 'default');
  assert.equal(r.routes?.routeKind, 'GRPCRoute');
  assert.equal(r.outcome, 'routed');
});

test('another method is reported with the gRPC condition that failed', () => {
  const r = explainRequest(ir, parseRequest('POST http://greeter.greet:50051/helloworld.Greeter/SayBye'), 'default');
  assert.equal(r.outcome, 'not-matched');
  assert.equal(r.http?.entries[0]?.reason, 'gRPC method: want "SayHello", got "SayBye"');
});
