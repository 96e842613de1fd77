// RequestHeaderModifier: set replaces every value of a name (in place), add appends, remove drops
// all values; names compare case-insensitively.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyHeaderModifier } from '../../../sidecar/route/header-modifier.js';

test('set replaces all values in place, add appends, remove drops', () => {
  const out = applyHeaderModifier(
    [['Accept', '*/*'], ['X-Env', 'a'], ['x-env', 'b'], ['X-Debug', '1']],
    { set: [{ name: 'x-env', value: 'prod' }, { name: 'x-new', value: 'n' }], add: [{ name: 'accept', value: 'text/plain' }], remove: ['x-debug'] },
  );
  assert.deepEqual(out, [['Accept', '*/*'], ['x-env', 'prod'], ['x-new', 'n'], ['accept', 'text/plain']]);
});
