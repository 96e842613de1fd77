// HTTPRoute v1beta1 has the same schema as v1 (checked against the CRDs when the types were
// generated), so conversion only rewrites apiVersion; defaults come from the v1beta1 schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GATEWAY_V1, normalizeToV1, toV1 } from '../../src/api/gateway/index.js';

test('a v1beta1 HTTPRoute becomes an equal v1 HTTPRoute', () => {
  const v1beta1 = {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: 'app', labels: { team: 'web' } },
    spec: {
      parentRefs: [{ name: 'web', kind: 'Service', group: '' }],
      hostnames: ['web.example.com'],
      rules: [{ matches: [{ path: { type: 'Exact', value: '/health' } }], backendRefs: [{ name: 'web', port: 80 }] }],
    },
  };
  const result = normalizeToV1(v1beta1);
  assert.ok(result.ok);
  assert.equal(result.kind, 'HTTPRoute');
  assert.equal(result.object.apiVersion, GATEWAY_V1);
  assert.deepEqual(result.warnings, []);
  assert.deepEqual(result.object.metadata, v1beta1.metadata);
  assert.deepEqual(result.object.spec.rules?.[0]?.backendRefs, [
    { name: 'web', port: 80, group: '', kind: 'Service', weight: 1 },
  ]);
});

test('v1 objects pass through unchanged (but copied)', () => {
  const v1 = {
    apiVersion: GATEWAY_V1,
    kind: 'ReferenceGrant',
    metadata: { name: 'rg', namespace: 'db' },
    spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'app' }], to: [{ group: '', kind: 'Service' }] },
  };
  const result = toV1(v1);
  assert.ok(result.ok);
  assert.deepEqual(result.object, v1);
  assert.notEqual(result.object, v1);
});

test('every other served older version converts to v1', () => {
  const cases = [
    ['Gateway', 'v1beta1', { gatewayClassName: 'c', listeners: [] }],
    ['GatewayClass', 'v1beta1', { controllerName: 'sidelane.io/controller' }],
    ['ReferenceGrant', 'v1beta1', { from: [], to: [] }],
    ['TLSRoute', 'v1alpha3', { hostnames: ['a.example.com'], rules: [] }],
    ['UDPRoute', 'v1alpha2', { rules: [] }],
    ['BackendTLSPolicy', 'v1alpha3', { targetRefs: [], validation: { hostname: 'x' } }],
  ] as const;
  for (const [kind, version, spec] of cases) {
    const result = toV1({ apiVersion: `gateway.networking.k8s.io/${version}`, kind, metadata: { name: 'x' }, spec });
    assert.ok(result.ok, `${kind} ${version}`);
    assert.equal(result.object.apiVersion, GATEWAY_V1);
    assert.deepEqual(result.warnings, [], `${kind} ${version}`);
  }
});
