// RequestHeaderModifier as the backend sees it, with the cases and values of the conformance tests
// MeshHTTPRouteRequestHeaderModifier and MeshHTTPRouteBackendRequestHeaderModifier (the same
// filters on a backendRef instead of the rule). `add` appends: an existing header is kept and
// the added value arrives as a repeat after it (the conformance tests compare the joined form,
// "some-other-value,add-appends-values").
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SimpleResponse } from '../../support/mesh.js';
import { receivedHeader, startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

interface Modifier {
  set?: { name: string; value: string }[];
  add?: { name: string; value: string }[];
  remove?: string[];
}

const FILTERS: Record<string, Modifier> = {
  '/set': { set: [{ name: 'X-Header-Set', value: 'set-overwrites-values' }] },
  '/add': { add: [{ name: 'X-Header-Add', value: 'add-appends-values' }] },
  '/remove': { remove: ['X-Header-Remove'] },
  '/multiple': {
    set: [
      { name: 'X-Header-Set-1', value: 'header-set-1' },
      { name: 'X-Header-Set-2', value: 'header-set-2' },
    ],
    add: [
      { name: 'X-Header-Add-1', value: 'header-add-1' },
      { name: 'X-Header-Add-2', value: 'header-add-2' },
      { name: 'X-Header-Add-3', value: 'header-add-3' },
    ],
    remove: ['X-Header-Remove-1', 'X-Header-Remove-2'],
  },
  '/case-insensitivity': {
    set: [{ name: 'X-Header-Set', value: 'header-set' }],
    add: [{ name: 'X-Header-Add', value: 'header-add' }],
    remove: ['X-Header-Remove'],
  },
};

/** The conformance route, with its filters on the rule or on the rule's backendRef (JSON is YAML). */
function routeYaml(where: 'rule' | 'backend'): string {
  const rules = Object.entries(FILTERS).map(([path, modifier]) => {
    const filters = JSON.stringify([{ type: 'RequestHeaderModifier', requestHeaderModifier: modifier }]);
    const backend = where === 'rule' ? { name: 'echo-v1', port: 80 } : { name: 'echo-v1', port: 80, filters: JSON.parse(filters) as unknown };
    return `  - matches: [{path: {type: PathPrefix, value: ${path}}}]
    ${where === 'rule' ? `filters: ${filters}` : ''}
    backendRefs: [${JSON.stringify(backend)}]`;
  });
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: request-header-modifier-${where}}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, port: 80}]
  rules:
${rules.join('\n')}`;
}

interface Case {
  path: string;
  send: Record<string, string>;
  /** Joined values the backend must see (the conformance form). */
  expect: Record<string, string>;
  absent?: string[];
}

const CASES: Case[] = [
  { path: '/set', send: { 'Some-Other-Header': 'val' }, expect: { 'some-other-header': 'val', 'x-header-set': 'set-overwrites-values' } },
  {
    path: '/set',
    send: { 'Some-Other-Header': 'val', 'X-Header-Set': 'some-other-value' },
    expect: { 'some-other-header': 'val', 'x-header-set': 'set-overwrites-values' },
  },
  { path: '/add', send: { 'Some-Other-Header': 'val' }, expect: { 'some-other-header': 'val', 'x-header-add': 'add-appends-values' } },
  {
    path: '/add',
    send: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value' },
    expect: { 'some-other-header': 'val', 'x-header-add': 'some-other-value,add-appends-values' },
  },
  { path: '/remove', send: { 'X-Header-Remove': 'val' }, expect: {}, absent: ['x-header-remove'] },
  {
    path: '/multiple',
    send: { 'X-Header-Set-2': 'set-val-2', 'X-Header-Add-2': 'add-val-2', 'X-Header-Remove-2': 'remove-val-2', 'Another-Header': 'another-header-val' },
    expect: {
      'x-header-set-1': 'header-set-1',
      'x-header-set-2': 'header-set-2',
      'x-header-add-1': 'header-add-1',
      'x-header-add-2': 'add-val-2,header-add-2',
      'x-header-add-3': 'header-add-3',
      'another-header': 'another-header-val',
    },
    absent: ['x-header-remove-1', 'x-header-remove-2'],
  },
  {
    // The filter uses canonical names, the request lower-case ones.
    path: '/case-insensitivity',
    send: { 'x-header-set': 'original-val-set', 'x-header-add': 'original-val-add', 'x-header-remove': 'original-val-remove', 'Another-Header': 'another-header-val' },
    expect: { 'x-header-set': 'header-set', 'x-header-add': 'original-val-add,header-add', 'another-header': 'another-header-val' },
    absent: ['x-header-remove'],
  },
];

function checkReceived(res: SimpleResponse, c: Case): void {
  assert.equal(res.status, 200, res.body);
  assert.equal(res.json?.name, 'echo-v1');
  for (const [name, value] of Object.entries(c.expect)) {
    assert.equal(receivedHeader(res, name).join(','), value, `${c.path}: ${name}`);
  }
  for (const name of c.absent ?? []) assert.deepEqual(receivedHeader(res, name), [], `${c.path}: ${name} must be removed`);
}

for (const where of ['rule', 'backend'] as const) {
  describe(`RequestHeaderModifier on the ${where}`, () => {
    let spec: SpecMesh;
    before(async () => {
      spec = await startSpecMesh({ echoes: ['echo-v1'], manifests: routeYaml(where) });
    });
    after(() => spec.close());

    for (const [i, c] of CASES.entries()) {
      test(`${i}: ${c.path} ${JSON.stringify(c.send)}`, async () => {
        checkReceived(await spec.get(c.path, { headers: c.send }), c);
      });
    }

    test('add keeps the existing value and appends a repeat after it, in order', async () => {
      const res = await spec.get('/add', { headers: { 'X-Header-Add': ['first', 'second'] } });
      assert.deepEqual(receivedHeader(res, 'x-header-add'), ['first', 'second', 'add-appends-values']);
    });

    test('set replaces every repeat of the header with one value', async () => {
      const res = await spec.get('/set', { headers: { 'X-Header-Set': ['a', 'b'] } });
      assert.deepEqual(receivedHeader(res, 'x-header-set'), ['set-overwrites-values']);
    });
  });
}
