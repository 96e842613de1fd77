// Defaulting follows the CRD schemas as the API server applies them: absent fields get the
// schema default, recursively (also inside defaults themselves), and the input is never modified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, applySchemaDefaults, type DefaultsNode } from '../../src/api/gateway/index.js';

const bareRoute = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'web', namespace: 'app' },
  spec: {
    parentRefs: [{ name: 'web' }],
    rules: [
      {
        matches: [{ headers: [{ name: 'x-env', value: 'canary' }], queryParams: [{ name: 'q', value: '1' }] }],
        backendRefs: [{ name: 'web-v2', port: 80 }],
        filters: [
          { type: 'RequestRedirect', requestRedirect: { hostname: 'example.com' } },
          { type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', port: 80 }, fraction: { numerator: 5 } } },
        ],
      },
      {},
    ],
  },
};

test('a route without group/kind/weight/match types gets the schema defaults', () => {
  const before = structuredClone(bareRoute);
  const out = applyDefaults(bareRoute);
  assert.deepEqual(bareRoute, before, 'input must not be modified');

  assert.deepEqual(out.spec.parentRefs, [{ name: 'web', group: 'gateway.networking.k8s.io', kind: 'Gateway' }]);
  const [rule, empty] = out.spec.rules as unknown as [Record<string, unknown>, Record<string, unknown>];
  assert.deepEqual(rule['backendRefs'], [{ name: 'web-v2', port: 80, group: '', kind: 'Service', weight: 1 }]);
  assert.deepEqual(rule['matches'], [
    {
      headers: [{ name: 'x-env', value: 'canary', type: 'Exact' }],
      queryParams: [{ name: 'q', value: '1', type: 'Exact' }],
      // A match with no path gets the path default too.
      path: { type: 'PathPrefix', value: '/' },
    },
  ]);
  assert.deepEqual(rule['filters'], [
    { type: 'RequestRedirect', requestRedirect: { hostname: 'example.com', statusCode: 302 } },
    {
      type: 'RequestMirror',
      requestMirror: {
        backendRef: { name: 'shadow', port: 80, group: '', kind: 'Service' },
        fraction: { numerator: 5, denominator: 100 },
      },
    },
  ]);
  // A rule without matches gets the rule-level matches default.
  assert.deepEqual(empty, { matches: [{ path: { type: 'PathPrefix', value: '/' } }] });
});

test('a route without rules gets the catch-all rule', () => {
  const out = applyDefaults({ ...bareRoute, spec: { parentRefs: [{ name: 'web' }] } });
  assert.deepEqual(out.spec, {
    parentRefs: [{ name: 'web', group: 'gateway.networking.k8s.io', kind: 'Gateway' }],
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }],
  });
});

test('values that are set are kept, including explicit empty lists', () => {
  const route = {
    ...bareRoute,
    spec: { parentRefs: [{ name: 'web', kind: 'Service', group: '' }], rules: [{ matches: [] }] },
  };
  const out = applyDefaults(route);
  assert.deepEqual(out.spec, route.spec);
});

test('an explicit null in a non-nullable field is defaulted, as by the API server', () => {
  const node: DefaultsNode = { properties: { a: { default: 1 }, b: { default: 2, nullable: true } } };
  assert.deepEqual(applySchemaDefaults({ a: null, b: null }, node), { a: 1, b: null });
});

test('each version uses its own schema; unknown kinds and versions are copied unchanged', () => {
  const tcp = applyDefaults({
    apiVersion: 'gateway.networking.k8s.io/v1alpha2',
    kind: 'TCPRoute',
    metadata: { name: 'db' },
    spec: { rules: [{ backendRefs: [{ name: 'db', port: 5432 }] }] },
  });
  assert.deepEqual(tcp.spec.rules[0]?.backendRefs[0], { name: 'db', port: 5432, group: '', kind: 'Service', weight: 1 });

  for (const apiVersion of ['gateway.networking.k8s.io/v9', 'example.com/v1']) {
    const odd = { apiVersion, kind: 'HTTPRoute', metadata: { name: 'x' }, spec: { parentRefs: [{ name: 'p' }] } };
    const out = applyDefaults(odd);
    assert.deepEqual(out, odd);
    assert.notEqual(out, odd, 'a copy, even when nothing is defaulted');
  }
  assert.equal(applyDefaults(null), null);
  assert.equal(applyDefaults('text'), 'text');
});

test('Gateway listeners and status get their defaults', () => {
  const gw = applyDefaults({
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'Gateway',
    metadata: { name: 'gw' },
    spec: {
      gatewayClassName: 'sidelane',
      listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert' }] } }],
    },
  }) as unknown as { spec: { listeners: unknown[] }; status: { conditions: { type: string }[] } };
  assert.deepEqual(gw.spec.listeners[0], {
    name: 'https',
    port: 443,
    protocol: 'HTTPS',
    allowedRoutes: { namespaces: { from: 'Same' } },
    tls: { mode: 'Terminate', certificateRefs: [{ name: 'cert', group: '', kind: 'Secret' }] },
  });
  // The API server serves a Gateway nobody has reconciled with Pending conditions.
  assert.deepEqual(gw.status.conditions.map((c) => c.type), ['Accepted', 'Programmed']);
});
