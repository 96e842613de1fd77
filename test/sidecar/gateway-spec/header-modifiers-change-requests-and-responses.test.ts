// RequestHeaderModifier (as the backend sees it) and ResponseHeaderModifier (as the client sees
// it) on a Gateway's route, with the cases of the conformance tests HTTPRouteRequestHeaderModifier
// and HTTPRouteResponseHeaderModifier. `add` appends after an existing value (the conformance
// tests compare the joined form); names are case-insensitive. The backend is asked for the
// "original" response headers with x-echo-set-header. The Host the client sent reaches the
// backend unchanged: a gateway is no reason to rewrite it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { receivedHeader, startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

interface Modifier {
  set?: { name: string; value: string }[];
  add?: { name: string; value: string }[];
  remove?: string[];
}

const MODIFIERS: Record<string, Modifier> = {
  '/set': { set: [{ name: 'X-Header-Set', value: 'set-overwrites-values' }] },
  '/add': { add: [{ name: 'X-Header-Add', value: 'add-appends-values' }] },
  '/remove': { remove: ['X-Header-Remove'] },
  '/multiple': {
    set: [{ name: 'X-Header-Set-1', value: 'header-set-1' }, { name: 'X-Header-Set-2', value: 'header-set-2' }],
    add: [{ name: 'X-Header-Add-1', value: 'header-add-1' }, { name: 'X-Header-Add-2', value: 'header-add-2' }, { name: 'X-Header-Add-3', value: 'header-add-3' }],
    remove: ['X-Header-Remove-1', 'X-Header-Remove-2'],
  },
  '/case-insensitivity': { set: [{ name: 'X-Header-Set', value: 'header-set' }], add: [{ name: 'X-Header-Add', value: 'header-add' }], remove: ['X-Header-Remove'] },
};

function route(name: string, hostname: string, filterType: 'RequestHeaderModifier' | 'ResponseHeaderModifier'): string {
  const field = filterType === 'RequestHeaderModifier' ? 'requestHeaderModifier' : 'responseHeaderModifier';
  const rules = Object.entries(MODIFIERS).map(
    ([path, modifier]) => `  - matches: [{path: {type: PathPrefix, value: ${path}}}]
    filters: ${JSON.stringify([{ type: filterType, [field]: modifier }])}
    backendRefs: [{name: infra-backend-v1, port: 8080}]`,
  );
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: same-namespace}]
  hostnames: [${hostname}]
  rules:
${rules.join('\n')}`;
}

interface Case {
  path: string;
  /** Request headers sent (request case) or response headers the backend sends (response case). */
  original: Record<string, string>;
  expect: Record<string, string>;
  absent?: string[];
}

const CASES: Case[] = [
  { path: '/set', original: { 'Some-Other-Header': 'val' }, expect: { 'some-other-header': 'val', 'x-header-set': 'set-overwrites-values' } },
  { path: '/set', original: { 'Some-Other-Header': 'val', 'X-Header-Set': 'some-other-value' }, expect: { 'some-other-header': 'val', 'x-header-set': 'set-overwrites-values' } },
  { path: '/add', original: { 'Some-Other-Header': 'val' }, expect: { 'some-other-header': 'val', 'x-header-add': 'add-appends-values' } },
  { path: '/add', original: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value' }, expect: { 'some-other-header': 'val', 'x-header-add': 'some-other-value,add-appends-values' } },
  { path: '/remove', original: { 'X-Header-Remove': 'val' }, expect: {}, absent: ['x-header-remove'] },
  {
    path: '/multiple',
    original: { 'X-Header-Set-2': 'set-val-2', 'X-Header-Add-2': 'add-val-2', 'X-Header-Remove-2': 'remove-val-2', 'Another-Header': 'another-header-val' },
    expect: { 'x-header-set-1': 'header-set-1', 'x-header-set-2': 'header-set-2', 'x-header-add-1': 'header-add-1', 'x-header-add-2': 'add-val-2,header-add-2', 'x-header-add-3': 'header-add-3', 'another-header': 'another-header-val' },
    absent: ['x-header-remove-1', 'x-header-remove-2'],
  },
  {
    path: '/case-insensitivity',
    original: { 'x-header-set': 'original-val-set', 'x-header-add': 'original-val-add', 'x-header-remove': 'original-val-remove', 'Another-Header': 'another-header-val' },
    expect: { 'x-header-set': 'header-set', 'x-header-add': 'original-val-add,header-add', 'another-header': 'another-header-val' },
    absent: ['x-header-remove'],
  },
];

/** Node joins repeated response headers with ", "; the conformance form has no space. */
function joined(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value).split(/,\s*/).join(',');
}

describe('header modifiers on a Gateway route', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({
      echoes: ['infra-backend-v1'],
      manifests: [
        `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: same-namespace}
spec:
  gatewayClassName: sidelane
  listeners: [{name: http, port: 80, protocol: HTTP}]`,
        route('request-header-modifier', 'request.example.com', 'RequestHeaderModifier'),
        route('response-header-modifier', 'response.example.com', 'ResponseHeaderModifier'),
      ].join('\n---\n'),
    });
  });
  after(() => gw.close());

  for (const [i, c] of CASES.entries()) {
    test(`HTTPRouteRequestHeaderModifier ${i}: ${c.path} ${JSON.stringify(c.original)}`, async () => {
      const res = await gw.get(c.path, { host: 'request.example.com', headers: c.original });
      assert.equal(res.status, 200, res.body);
      for (const [name, value] of Object.entries(c.expect)) assert.equal(receivedHeader(res, name).join(','), value, name);
      for (const name of c.absent ?? []) assert.deepEqual(receivedHeader(res, name), [], `${name} must be removed`);
    });
  }

  for (const [i, c] of CASES.entries()) {
    test(`HTTPRouteResponseHeaderModifier ${i}: ${c.path} ${JSON.stringify(c.original)}`, async () => {
      const backendSends = Object.entries(c.original).map(([name, value]) => `${name}: ${value}`);
      const res = await gw.get(c.path, { host: 'response.example.com', headers: { 'x-echo-set-header': backendSends } });
      assert.equal(res.status, 200, res.body);
      for (const [name, value] of Object.entries(c.expect)) assert.equal(joined(res.headers[name]), value, name);
      for (const name of c.absent ?? []) assert.equal(res.headers[name], undefined, `${name} must be removed`);
    });
  }

  test('the backend sees the Host as the client sent it, port included', async () => {
    const res = await gw.get('/set', { host: 'request.example.com:80' });
    assert.equal(res.json?.host, 'request.example.com:80');
  });
});
