// Bad manifests are reported document by document (file, document number, line, reason) and the
// good documents around them are still used; nothing a user writes makes parsing throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatManifestError, parseManifests } from '../../src/api/objects.js';

const svc = (name: string): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n`;

test('every bad document is reported with its position; good ones are kept', () => {
  const text = [
    svc('first'), //                                          document 1: fine
    'kind: Service\nmetadata:\n  name: no-api-version\n', // 2: no apiVersion
    'a: [1, 2\n', //                                          3: YAML syntax error
    '- just\n- a list\n', //                                  4: not an object
    'apiVersion: v1\nkind: Service\nmetadata: {}\n', //       5: no name
    '# only a comment\n', //                                  6: empty, skipped silently
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels:\n    on: true\n', // 7: bool label
    'a: *nowhere\n', //                                       8: undefined alias
    'k: 1\nk: 2\n', //                                        9: duplicate key
    svc('last'), //                                           10: fine
  ].join('---\n');
  const { objects, errors } = parseManifests(text, 'app.yaml');
  assert.deepEqual(
    objects.map((o) => o.metadata.name),
    ['first', 'last'],
  );
  assert.deepEqual(
    errors.map((e) => [e.source, e.document]),
    [2, 3, 4, 5, 7, 8, 9].map((d) => ['app.yaml', d]),
  );
  const messages = errors.map((e) => e.message);
  assert.match(messages[0] ?? '', /apiVersion is missing/);
  assert.match(messages[1] ?? '', /^YAML: /);
  assert.match(messages[2] ?? '', /got a list/);
  assert.match(messages[3] ?? '', /metadata.name is missing/);
  assert.match(messages[4] ?? '', /metadata.labels.on must be a string/);
  assert.match(messages[5] ?? '', /^YAML: .*alias/i);
  assert.match(messages[6] ?? '', /^YAML: .*unique/i);
  // Lines point into the file, not into the document.
  assert.equal(errors[0]?.line, 6);
  assert.equal(formatManifestError(errors[0]), 'app.yaml, document 2, line 6: apiVersion is missing or not a string');
});

test('kind: List items are objects; a bad item is reported with its index', () => {
  const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Namespace
    metadata: { name: shop }
  - apiVersion: v1
    kind: Service
  - apiVersion: v1
    kind: Service
    metadata: { name: web, namespace: shop }
`;
  const { objects, errors } = parseManifests(text, 'list.yaml');
  assert.deepEqual(objects.map((o) => o.kind), ['Namespace', 'Service']);
  assert.equal(errors.length, 1);
  assert.deepEqual({ ...errors[0], message: undefined }, { source: 'list.yaml', document: 1, item: 1, line: 7, message: undefined });
  assert.match(errors[0]?.message ?? '', /metadata is missing/);

  const notList = parseManifests('apiVersion: v1\nkind: List\nitems: 3\n', 'l.yaml');
  assert.match(notList.errors[0]?.message ?? '', /items must be a list/);
});

test('empty input, JSON and odd values do not throw', () => {
  assert.deepEqual(parseManifests('', 'empty.yaml'), { objects: [], errors: [] });
  assert.deepEqual(parseManifests('---\n---\n', 'dashes.yaml'), { objects: [], errors: [] });
  const json = parseManifests('{\n\t"apiVersion": "v1", "kind": "Secret",\n\t"metadata": {"name": "s"}\n}\n', 's.json');
  assert.deepEqual(json.errors, []);
  assert.equal(json.objects[0]?.kind, 'Secret');
  for (const text of ['42', '"str"', 'null', '[[[', '{', '\t\t', '---\n\0', 'a: !!binary x\n', '&a [*a]']) {
    assert.doesNotThrow(() => parseManifests(text, 'odd.yaml'), text);
  }
});
