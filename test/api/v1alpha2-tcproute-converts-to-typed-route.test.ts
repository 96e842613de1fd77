// A TCPRoute stored as v1alpha2 reaches the translator as a defaulted, typed v1 TCPRoute; the
// one thing v1alpha2 allowed that v1 does not (several rules) is kept and warned about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeToV1, toV1, type TCPRoute } from '../../src/api/gateway/index.js';

const v1alpha2 = {
  apiVersion: 'gateway.networking.k8s.io/v1alpha2',
  kind: 'TCPRoute',
  metadata: { name: 'db', namespace: 'app' },
  spec: {
    parentRefs: [{ name: 'db', kind: 'Service', group: '', port: 5432 }],
    rules: [{ backendRefs: [{ name: 'db-primary', port: 5432 }] }],
  },
};

test('v1alpha2 TCPRoute is defaulted with its own schema and becomes a v1 TCPRoute', () => {
  const before = structuredClone(v1alpha2);
  const result = normalizeToV1(v1alpha2);
  assert.deepEqual(v1alpha2, before, 'input must not be modified');
  assert.ok(result.ok);
  assert.equal(result.kind, 'TCPRoute');
  assert.deepEqual(result.warnings, []);
  const route: TCPRoute = result.object; // typed as the generated v1 TCPRoute
  assert.equal(route.apiVersion, 'gateway.networking.k8s.io/v1');
  assert.deepEqual(route.spec.rules[0]?.backendRefs, [
    { name: 'db-primary', port: 5432, group: '', kind: 'Service', weight: 1 },
  ]);
  assert.deepEqual(route.spec.parentRefs, v1alpha2.spec.parentRefs);
});

test('several v1alpha2 rules are all kept, with a warning that v1 allows one', () => {
  const twoRules = {
    ...v1alpha2,
    spec: { rules: [{ backendRefs: [{ name: 'a', port: 1 }] }, { backendRefs: [{ name: 'b', port: 2 }] }] },
  };
  const result = toV1(twoRules);
  assert.ok(result.ok);
  if (result.kind !== 'TCPRoute') return assert.fail(result.kind);
  assert.equal(result.object.spec.rules.length, 2);
  assert.equal(result.warnings.length, 1);
  assert.match(result.warnings[0] ?? '', /2 rules; v1 allows only 1/);
});

test('unknown kinds, groups and versions are error values, not exceptions', () => {
  const cases: [unknown, RegExp][] = [
    [{ ...v1alpha2, apiVersion: 'gateway.networking.k8s.io/v1alpha1' }, /not a served version \(served: v1, v1alpha2\)/],
    [{ ...v1alpha2, kind: 'ListenerSet' }, /unsupported Gateway API kind ListenerSet/],
    [{ ...v1alpha2, apiVersion: 'networking.k8s.io/v1' }, /not the Gateway API group/],
    [{ ...v1alpha2, spec: undefined }, /spec is required/],
    [{ ...v1alpha2, metadata: 'db' }, /metadata must be an object/],
    [{ kind: 'TCPRoute' }, /apiVersion and kind must be strings/],
    [[], /not an object/],
    [null, /not an object/],
  ];
  for (const [input, message] of cases) {
    const result = normalizeToV1(input);
    assert.equal(result.ok, false, JSON.stringify(input));
    assert.match(result.error, message);
  }
});
