// A field of the wrong type (what the API server's schema would refuse) is a manifest error naming
// the field, never an exception inside the translator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, parseManifests } from '../../src/api/objects.js';
import { translate } from '../../src/translate/index.js';

const cases: [string, string, RegExp][] = [
  ['rules is a string', 'kind: HTTPRoute\napiVersion: gateway.networking.k8s.io/v1\nmetadata: {name: r}\nspec: {rules: "not a list"}', /spec\.rules must be a list/],
  ['backendRef port is a word', 'kind: HTTPRoute\napiVersion: gateway.networking.k8s.io/v1\nmetadata: {name: r}\nspec: {rules: [{backendRefs: [{name: s, port: eighty}]}]}', /spec\.rules\[0\]\.backendRefs\[0\]\.port must be an integer/],
  ['parentRefs is an object', 'kind: GRPCRoute\napiVersion: gateway.networking.k8s.io/v1\nmetadata: {name: r}\nspec: {parentRefs: {name: s}}', /spec\.parentRefs must be a list/],
  ['Service port is a word', 'kind: Service\napiVersion: v1\nmetadata: {name: s}\nspec: {ports: [{port: eighty}]}', /spec\.ports\[0\]\.port must be an integer/],
];

for (const [name, yaml, message] of cases) {
  test(`${name}: reported with the field's path, object left out, translation unharmed`, () => {
    const parsed = parseManifests(yaml, 'bad.yaml');
    const classified = classify(parsed.objects, 'default');
    assert.equal(classified.errors.length, 1);
    assert.match(classified.errors[0]?.message ?? '', message);
    assert.doesNotThrow(() => translate(classified.snapshot));
  });
}
