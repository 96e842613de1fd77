// TLSRoute v1alpha2 made hostnames optional ("any SNI the parent accepts") and accepted IPs;
// v1 requires hostnames and rejects IPs. Conversion keeps the route usable and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeToV1 } from '../../src/api/gateway/index.js';

const base = {
  apiVersion: 'gateway.networking.k8s.io/v1alpha2',
  kind: 'TLSRoute',
  metadata: { name: 'tls', namespace: 'app' },
};

test('missing hostnames become an empty list, with a warning', () => {
  const result = normalizeToV1({ ...base, spec: { rules: [{ backendRefs: [{ name: 'b', port: 443 }] }] } });
  assert.ok(result.ok);
  if (result.kind !== 'TLSRoute') return assert.fail(result.kind);
  assert.deepEqual(result.object.spec.hostnames, []);
  assert.equal(result.warnings.length, 1);
  assert.match(result.warnings[0] ?? '', /v1 requires hostnames/);
});

test('IP hostnames are kept, with a warning', () => {
  const result = normalizeToV1({ ...base, spec: { hostnames: ['10.0.0.1', 'a.example.com'], rules: [] } });
  assert.ok(result.ok);
  assert.deepEqual(result.object.spec, { hostnames: ['10.0.0.1', 'a.example.com'], rules: [] });
  assert.equal(result.warnings.length, 1);
  assert.match(result.warnings[0] ?? '', /10\.0\.0\.1 is an IP address/);
});
