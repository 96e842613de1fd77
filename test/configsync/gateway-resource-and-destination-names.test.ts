// The gateway spellings both ends of the stream rely on: `gateway:<class>` destinations and
// `gateway/<class>` resources, class names taken as written (case-sensitive object names).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  destinationResourceName,
  gatewayDestination,
  gatewayResourceName,
  parseDestination,
  parseResourceName,
} from '../../src/configsync/resources.js';

test('gateway:<class> names a class, as written', () => {
  assert.equal(gatewayDestination('sidelane'), 'gateway:sidelane');
  assert.deepEqual(parseDestination('gateway:sidelane'), { kind: 'gateway', className: 'sidelane' });
  assert.deepEqual(parseDestination('gateway:Internal-GW'), { kind: 'gateway', className: 'Internal-GW' });
  assert.equal(parseDestination('gateway:'), undefined);
  assert.equal(parseDestination('gateway:a/b'), undefined);
});

test('gateway/<class> round-trips through parseResourceName; a slash in the class does not', () => {
  assert.deepEqual(parseResourceName(gatewayResourceName('sidelane')), { kind: 'gateway', key: 'sidelane' });
  assert.deepEqual(parseResourceName(destinationResourceName(gatewayDestination('sidelane'))), { kind: 'destination', key: 'gateway:sidelane' });
  for (const bad of ['gateway/', 'gateway/a/b']) assert.equal(parseResourceName(bad), undefined, bad);
});
