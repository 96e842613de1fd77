// validate() returns every problem of an IR, not the first, each with a stable code and a path
// that says where; a valid IR has none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IR_SCHEMA, validate, type MeshIR, type ServiceRef } from '../../src/ir/index.js';

const cart: ServiceRef = { namespace: 'shop', name: 'cart' };
const cartV2: ServiceRef = { namespace: 'shop', name: 'cart-v2' };
const route = { kind: 'HTTPRoute', namespace: 'shop', name: 'cart-split' } as const;

function validShop(): MeshIR {
  return {
    schema: IR_SCHEMA,
    clusterDomain: 'cluster.local',
    services: [
      {
        ref: cart,
        type: 'ClusterIP',
        headless: false,
        clusterIPs: ['10.96.0.10'],
        hostnames: ['cart', 'cart.shop', 'cart.shop.svc', 'cart.shop.svc.cluster.local'],
        ports: [
          {
            name: 'http',
            port: 80,
            transport: 'TCP',
            targetPort: 8080,
            protocol: 'http',
            protocolSource: 'appProtocol',
            producer: {
              kind: 'http',
              routeKind: 'HTTPRoute',
              routes: [route],
              matches: [
                {
                  rule: 0,
                  match: {
                    path: { type: 'PathPrefix', value: '/api' },
                    headers: [{ type: 'RegularExpression', name: 'x-canary', value: '^(1|yes)$' }],
                    queryParams: [],
                  },
                },
                { rule: 1, match: { path: { type: 'Exact', value: '/' }, headers: [], queryParams: [] } },
              ],
              rules: [
                {
                  id: { route, index: 0 },
                  filters: [
                    { type: 'URLRewrite', path: { type: 'ReplacePrefixMatch', value: '/' } },
                    { type: 'RequestMirror', target: { service: cartV2, port: 80 }, fraction: { numerator: 1, denominator: 100 } },
                  ],
                  backends: [
                    { kind: 'Service', service: cart, port: 80, weight: 90, filters: [] },
                    { kind: 'Service', service: cartV2, port: 80, weight: 10, filters: [] },
                  ],
                  timeouts: { requestMs: 10_000, backendRequestMs: 2_000 },
                  retry: { attempts: 2, codes: [502, 503], backoffMs: 100 },
                },
                {
                  id: { route, index: 1 },
                  filters: [{ type: 'RequestRedirect', scheme: 'https', statusCode: 301 }],
                  backends: [{ kind: 'Invalid', weight: 1, reason: 'BackendNotFound', message: 'no such service' }],
                },
              ],
            },
            consumers: [],
          },
        ],
      },
      {
        ref: cartV2,
        type: 'ClusterIP',
        headless: false,
        clusterIPs: ['10.96.0.11'],
        hostnames: ['cart-v2', 'cart-v2.shop', 'cart-v2.shop.svc', 'cart-v2.shop.svc.cluster.local'],
        ports: [
          {
            name: 'http',
            port: 80,
            transport: 'TCP',
            targetPort: 'http',
            protocol: 'http',
            protocolSource: 'portName',
            consumers: [],
          },
        ],
      },
    ],
    endpoints: [
      {
        service: cart,
        ports: [
          {
            servicePort: 80,
            transport: 'TCP',
            name: 'http',
            endpoints: [
              { address: '10.1.0.7', port: 8080, ready: true, serving: true, terminating: false },
              { address: '10.1.0.9', port: 8080, ready: true, serving: true, terminating: false, zone: 'a' },
            ],
          },
        ],
      },
    ],
  };
}

test('a valid IR has no problems', () => {
  assert.deepEqual(validate(validShop()), []);
});

test('an IR with three different problems gets all three', () => {
  const ir = validShop();
  const table = ir.services[0]?.ports[0]?.producer;
  assert.ok(table?.kind === 'http');
  // 1. a regex RE2 cannot compile (unclosed group)
  const header = table.matches[0]?.match.headers[0];
  assert.ok(header);
  header.value = '^(1|yes$';
  // 2. a backend pointing at a Service that is not in the IR
  const backend = table.rules[0]?.backends[1];
  assert.ok(backend?.kind === 'Service');
  backend.service = { namespace: 'shop', name: 'cart-v3' };
  // 3. a redirect status Gateway API does not allow
  const redirect = table.rules[1]?.filters[0];
  assert.ok(redirect?.type === 'RequestRedirect');
  (redirect as { statusCode: number }).statusCode = 304;

  const problems = validate(ir);

  const base = 'services[0].ports[0].producer';
  assert.deepEqual(
    problems.map(({ code, path }) => ({ code, path })),
    [
      { code: 'IR_INVALID_REGEX', path: `${base}.matches[0].match.headers[0].value` },
      { code: 'IR_UNKNOWN_SERVICE', path: `${base}.rules[0].backends[1].service` },
      { code: 'IR_INVALID_REDIRECT_STATUS', path: `${base}.rules[1].filters[0].statusCode` },
    ],
  );
  for (const problem of problems) assert.ok(problem.message.length > 0, `${problem.code} has a message`);
});

test('problems in different services are all reported', () => {
  const ir = validShop();
  const [first, second] = ir.services;
  assert.ok(first && second);
  const firstPort = first.ports[0];
  const secondPort = second.ports[0];
  assert.ok(firstPort && secondPort);
  firstPort.port = 0;
  secondPort.port = 70_000;

  assert.deepEqual(
    validate(ir).map(({ code, path }) => ({ code, path })),
    [
      { code: 'IR_INVALID_PORT', path: 'services[0].ports[0].port' },
      // Everything that pointed at port 80 of either Service now points at a port that is gone.
      { code: 'IR_UNKNOWN_SERVICE_PORT', path: 'services[0].ports[0].producer.rules[0].filters[1].target.port' },
      { code: 'IR_UNKNOWN_SERVICE_PORT', path: 'services[0].ports[0].producer.rules[0].backends[0].port' },
      { code: 'IR_UNKNOWN_SERVICE_PORT', path: 'services[0].ports[0].producer.rules[0].backends[1].port' },
      { code: 'IR_INVALID_PORT', path: 'services[1].ports[0].port' },
      { code: 'IR_UNKNOWN_SERVICE_PORT', path: 'endpoints[0].ports[0].servicePort' },
    ],
  );
});
