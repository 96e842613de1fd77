// ResponseHeaderModifier as the client sees it, with the cases and values of the conformance
// test HTTPRouteResponseHeaderModifier. As in conformance, the backend is asked to send the
// "original" response headers (x-echo-set-header), and the filter changes them on the way back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: response-header-modifier}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, port: 80}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /set}}]
    filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: X-Header-Set, value: set-overwrites-values}]}}]
    backendRefs: [{name: echo-v1, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /add}}]
    filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: X-Header-Add, value: add-appends-values}]}}]
    backendRefs: [{name: echo-v1, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /remove}}]
    filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {remove: [X-Header-Remove]}}]
    backendRefs: [{name: echo-v1, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /multiple}}]
    filters:
    - type: ResponseHeaderModifier
      responseHeaderModifier:
        set: [{name: X-Header-Set-1, value: header-set-1}, {name: X-Header-Set-2, value: header-set-2}]
        add: [{name: X-Header-Add-1, value: header-add-1}, {name: X-Header-Add-2, value: header-add-2}, {name: X-Header-Add-3, value: header-add-3}]
        remove: [X-Header-Remove-1, X-Header-Remove-2]
    backendRefs: [{name: echo-v1, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /case-insensitivity}}]
    filters:
    - type: ResponseHeaderModifier
      responseHeaderModifier:
        set: [{name: X-Header-Set, value: header-set}]
        add: [{name: X-Header-Add, value: header-add}]
        remove: [X-Header-Remove]
    backendRefs: [{name: echo-v1, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /on-backend}}]
    backendRefs:
    - name: echo-v1
      port: 80
      filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: X-Backend, value: v1}], remove: [X-Echo-Name]}}]`;

interface Case {
  path: string;
  /** Response headers the backend sends (`name: value`). */
  backendSends: string[];
  expect: Record<string, string>;
  absent?: string[];
}

const CASES: Case[] = [
  { path: '/set', backendSends: ['Some-Other-Header: val'], expect: { 'some-other-header': 'val', 'x-header-set': 'set-overwrites-values' } },
  {
    path: '/set',
    backendSends: ['Some-Other-Header: val', 'X-Header-Set: some-other-value'],
    expect: { 'some-other-header': 'val', 'x-header-set': 'set-overwrites-values' },
  },
  { path: '/add', backendSends: ['Some-Other-Header: val'], expect: { 'some-other-header': 'val', 'x-header-add': 'add-appends-values' } },
  {
    path: '/add',
    backendSends: ['Some-Other-Header: val', 'X-Header-Add: some-other-value'],
    expect: { 'some-other-header': 'val', 'x-header-add': 'some-other-value,add-appends-values' },
  },
  { path: '/remove', backendSends: ['X-Header-Remove: val'], expect: {}, absent: ['x-header-remove'] },
  {
    path: '/multiple',
    backendSends: ['X-Header-Set-2: set-val-2', 'X-Header-Add-2: add-val-2', 'X-Header-Remove-2: remove-val-2', 'Another-Header: another-header-val'],
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
    path: '/case-insensitivity',
    backendSends: ['x-header-set: original-val-set', 'x-header-add: original-val-add', 'x-header-remove: original-val-remove', 'Another-Header: another-header-val'],
    expect: { 'x-header-set': 'header-set', 'x-header-add': 'original-val-add,header-add', 'another-header': 'another-header-val' },
    absent: ['x-header-remove'],
  },
  { path: '/on-backend', backendSends: [], expect: { 'x-backend': 'v1' }, absent: ['x-echo-name'] },
];

/** Node joins repeated response headers with ", "; the conformance form has no space. */
function joined(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value).split(/,\s*/).join(',');
}

describe('ResponseHeaderModifier', () => {
  let spec: SpecMesh;
  before(async () => {
    spec = await startSpecMesh({ echoes: ['echo-v1'], manifests: ROUTE });
  });
  after(() => spec.close());

  for (const [i, c] of CASES.entries()) {
    test(`${i}: ${c.path} ${JSON.stringify(c.backendSends)}`, async () => {
      const res = await spec.get(c.path, { headers: { 'x-echo-set-header': c.backendSends } });
      assert.equal(res.status, 200, res.body);
      for (const [name, value] of Object.entries(c.expect)) assert.equal(joined(res.headers[name]), value, name);
      for (const name of c.absent ?? []) assert.equal(res.headers[name], undefined, `${name} must be removed`);
    });
  }

  test('a response header the filter does not name passes untouched', async () => {
    const res = await spec.get('/set', { headers: { 'x-echo-set-header': ['X-Untouched: a', 'X-Untouched: b'] } });
    assert.equal(res.headers['x-untouched'], 'a, b');
  });
});
