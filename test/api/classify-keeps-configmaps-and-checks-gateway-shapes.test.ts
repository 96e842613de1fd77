// classify keeps ConfigMaps (a GatewayClass parametersRef may name one) and refuses Gateways
// whose listeners are not shaped as the API server's schema would insist, instead of letting them
// break the translator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, parseManifests } from '../../src/api/objects.js';

test('ConfigMaps land in the snapshot, with the namespace defaulted', () => {
  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: public-params }\ndata: { udpIdleTimeout: 30s }\n';
  const { snapshot, ignored } = classify(parseManifests(yaml, 'cm.yaml').objects, 'sidelane-system');
  assert.deepEqual(ignored, []);
  assert.equal(snapshot.configMaps[0]?.metadata?.namespace, 'sidelane-system');
  assert.deepEqual(snapshot.configMaps[0].data, { udpIdleTimeout: '30s' });
});

test('a Gateway whose listeners are not a list, or whose port is not an integer, is a manifest error', () => {
  const gateway = (listeners: string): string =>
    `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: edge }\nspec: { gatewayClassName: public, listeners: ${listeners} }\n`;
  for (const [listeners, message] of [
    ['http', /spec\.listeners must be a list/],
    ['[{ name: http, port: "80", protocol: HTTP }]', /spec\.listeners\[0\]\.port must be an integer/],
    ['[{ name: h, port: 443, protocol: HTTPS, tls: { certificateRefs: x } }]', /spec\.listeners\[0\]\.tls\.certificateRefs must be a list/],
  ] as const) {
    const { snapshot, errors } = classify(parseManifests(gateway(listeners), 'gw.yaml').objects, 'web');
    assert.equal(snapshot.gateways.length, 0);
    assert.match(errors[0]?.message ?? '', message);
  }
});
