// The committed generated files must be exactly what the generator makes from the Gateway API
// CRDs, so nobody edits them by hand and a regenerated bundle cannot be forgotten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import {
  DEFAULT_CRD_PATH,
  DEFAULTS_OUT,
  generate,
  TYPES_OUT,
} from '../../scripts/gen-gateway-api-types.js';

const crdPath = process.env['SIDELANE_GATEWAY_API_CRDS'] ?? DEFAULT_CRD_PATH;

test('generated Gateway API types and defaults match the CRDs', async () => {
  // Fail, not skip: a skipped check would let stale types through unnoticed.
  assert.ok(
    existsSync(crdPath),
    `Gateway API CRDs expected at ${crdPath} (or set SIDELANE_GATEWAY_API_CRDS); ` +
      'they are not part of this repository',
  );
  const { types, defaults } = await generate(readFileSync(crdPath, 'utf8'));
  const hint = 'run `npm run gen:gateway-api` and commit the result';
  assert.equal(readFileSync(TYPES_OUT, 'utf8'), types, `${TYPES_OUT} is stale: ${hint}`);
  assert.equal(readFileSync(DEFAULTS_OUT, 'utf8'), defaults, `${DEFAULTS_OUT} is stale: ${hint}`);
});

test('generated types stay small and free of any and open index signatures', () => {
  const types = readFileSync(TYPES_OUT, 'utf8');
  assert.ok(types.length < 300_000, `generated.ts is ${types.length} bytes`);
  assert.doesNotMatch(types, /:\s*any\b/);
  assert.doesNotMatch(types, /\[k: string\]: unknown/);
  for (const kind of ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute', 'ReferenceGrant', 'Gateway', 'GatewayClass', 'BackendTLSPolicy']) {
    assert.match(types, new RegExp(`^export interface ${kind} \\{`, 'm'), `${kind} is exported`);
    assert.match(types, new RegExp(`^  spec: ${kind}Spec;`, 'm'), `${kind}.spec is ${kind}Spec`);
  }
});
