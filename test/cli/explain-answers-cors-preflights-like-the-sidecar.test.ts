// explain evaluates a rule's CORS filter with the sidecar's own decision: a preflight is answered
// by the proxy (allowed or not), an actual request gets the headers listed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainRequest } from '../../src/cli/explain.js';
import { parseRequest } from '../../src/cli/explain-request.js';
import type { HttpRuleIR, MeshIR, RouteRef } from '../../src/ir/index.js';

const route: RouteRef = { kind: 'HTTPRoute', namespace: 'shop', name: 'api' };

function irWithRule(rule: HttpRuleIR): MeshIR {
  return {
    schema: 'sidelane.io/ir/v1alpha1',
    clusterDomain: 'cluster.local',
    services: [
      {
        ref: { namespace: 'shop', name: 'api' },
        type: 'ClusterIP',
        headless: false,
        clusterIPs: ['10.96.0.20'],
        hostnames: ['api', 'api.shop', 'api.shop.svc', 'api.shop.svc.cluster.local'],
        ports: [
          {
            name: 'http',
            port: 8080,
            transport: 'TCP',
            targetPort: 8080,
            protocol: 'http',
            protocolSource: 'portName',
            producer: {
              kind: 'http',
              routeKind: 'HTTPRoute',
              routes: [route],
              matches: [{ rule: 0, match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] } }],
              rules: [rule],
            },
            consumers: [],
          },
        ],
      },
    ],
    endpoints: [],
  };
}

const ir = irWithRule({
  id: { route, index: 0 },
  filters: [
    {
      type: 'CORS',
      allowOrigins: ['https://*.shop.example'],
      allowMethods: ['GET', 'PUT'],
      allowHeaders: ['x-token'],
      exposeHeaders: [],
      allowCredentials: true,
      maxAge: 60,
    },
  ],
  backends: [{ kind: 'Service', service: { namespace: 'shop', name: 'api' }, port: 8080, weight: 1, filters: [] }],
});

test('an allowed preflight is answered by the proxy with the allow headers', () => {
  const r = explainRequest(ir, parseRequest('OPTIONS http://api.shop:8080/cart -H origin:https://www.shop.example -H access-control-request-method:PUT'), 'default');
  assert.equal(r.outcome, 'answered');
  assert.equal(r.http?.response?.status, 200);
  const effect = r.http.filters[0]?.effect ?? '';
  assert.match(effect, /^preflight from allowed origin "https:\/\/www\.shop\.example": answered 200 by the proxy/);
  assert.match(effect, /access-control-allow-methods: GET, PUT/);
  assert.match(effect, /access-control-allow-credentials: true/);
});

test('a preflight from another origin is answered too, without CORS headers', () => {
  const r = explainRequest(ir, parseRequest('OPTIONS http://api.shop:8080/cart -H origin:https://evil.example -H access-control-request-method:PUT'), 'default');
  assert.equal(r.outcome, 'answered');
  assert.match(r.http?.filters[0]?.effect ?? '', /not in allowOrigins \[https:\/\/\*\.shop\.example\]: answered 200 by the proxy without CORS headers/);
});

test('an actual request is forwarded and the response headers are listed', () => {
  const r = explainRequest(ir, parseRequest('GET http://api.shop:8080/cart -H origin:https://a.b.shop.example'), 'default');
  assert.equal(r.outcome, 'routed');
  assert.match(r.http?.filters[0]?.effect ?? '', /is allowed: on the response access-control-allow-origin: https:\/\/a\.b\.shop\.example; access-control-allow-credentials: true; vary: Origin/);
  const none = explainRequest(ir, parseRequest('GET http://api.shop:8080/cart'), 'default');
  assert.match(none.http?.filters[0]?.effect ?? '', /^no Origin header/);
});
