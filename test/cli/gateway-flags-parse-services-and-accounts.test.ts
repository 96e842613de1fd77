// The controller's gateway flags: `<class>=<namespace>/<name>` and `<namespace>/<name>`, repeatable,
// with malformed values refused at start-up rather than ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGatewayServiceAccounts, parseGatewayServices } from '../../src/cli/gateway-flags.js';

test('each --gateway-service maps its class to a Service', () => {
  assert.deepEqual(parseGatewayServices(['sidelane=sidelane-system/sidelane-gateway', 'internal=infra/gw']), {
    sidelane: { namespace: 'sidelane-system', name: 'sidelane-gateway' },
    internal: { namespace: 'infra', name: 'gw' },
  });
  assert.deepEqual(parseGatewayServices([]), {});
});

test('malformed or repeated classes are refused', () => {
  for (const bad of ['sidelane', '=ns/name', 'sidelane=name', 'sidelane=ns/name/extra', 'Sidelane=ns/name', 'sidelane=ns/']) {
    assert.throws(() => parseGatewayServices([bad]), RangeError, bad);
  }
  assert.throws(() => parseGatewayServices(['a=ns/one', 'a=ns/two']), /given twice/);
});

test('--gateway-service-account values are namespace/name, deduplicated', () => {
  assert.deepEqual(parseGatewayServiceAccounts(['sidelane-system/sidelane-gateway', 'sidelane-system/sidelane-gateway', 'edge/gw']), [
    'sidelane-system/sidelane-gateway',
    'edge/gw',
  ]);
  assert.throws(() => parseGatewayServiceAccounts(['just-a-name']), /<namespace>\/<name>/);
});
