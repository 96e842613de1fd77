// HTTPRoute matches through the running proxy, case by case from the Gateway API conformance
// tests MeshHTTPRouteMatching, MeshHTTPRouteQueryParamMatching, HTTPRouteExactPathMatching,
// HTTPRouteMethodMatching and HTTPRouteHeaderMatching (regex variants added), adapted to a mesh:
// the route's parentRef is the Service `echo`, the client addresses it by Host.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { startSpecMesh, type SpecMesh, type SpecRequest } from '../../support/spec-mesh.js';

const parent = `parentRefs: [{group: "", kind: Service, name: echo, port: 80}]`;

async function expectRouted(spec: SpecMesh, path: string, want: string | 404, options: SpecRequest = {}): Promise<void> {
  const res = await spec.get(path, options);
  if (want === 404) {
    assert.equal(res.status, 404, `${path}: ${res.body}`);
    assert.equal(res.headers[ERROR_HEADER], ProxyErrorCode.NoRoute);
    return;
  }
  assert.equal(res.status, 200, `${path} ${JSON.stringify(options.headers ?? {})}: ${res.body}`);
  assert.equal(res.json?.name, want, `${path} ${JSON.stringify(options.headers ?? {})} went to ${res.json?.name ?? '?'}`);
}

describe('MeshHTTPRouteMatching: path prefix and header matches', () => {
  let spec: SpecMesh;
  before(async () => {
    spec = await startSpecMesh({
      echoes: ['echo-v1', 'echo-v2'],
      manifests: `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: mesh-matching}
spec:
  ${parent}
  rules:
  - matches:
    - path: {type: PathPrefix, value: /}
    - headers: [{name: version, value: one}]
    backendRefs: [{name: echo-v1, port: 80}]
  - matches:
    - path: {type: PathPrefix, value: /v2}
    - headers: [{name: version, value: two}]
    backendRefs: [{name: echo-v2, port: 80}]`,
    });
  });
  after(() => spec.close());

  const cases: [string, Record<string, string>, string][] = [
    ['/', {}, 'echo-v1'],
    ['/example', {}, 'echo-v1'],
    ['/', { version: 'one' }, 'echo-v1'],
    ['/v2', {}, 'echo-v2'],
    ['/v2/example', {}, 'echo-v2'],
    ['/', { version: 'two' }, 'echo-v2'],
    ['/v2/', {}, 'echo-v2'],
    // Not a path segment prefix, so it does not match /v2.
    ['/v2example', {}, 'echo-v1'],
    ['/foo/v2/example', {}, 'echo-v1'],
  ];
  for (const [path, headers, want] of cases) {
    test(`${path} ${JSON.stringify(headers)} → ${want}`, () => expectRouted(spec, path, want, { headers }));
  }
});

describe('MeshHTTPRouteQueryParamMatching: query params alone and with other matches', () => {
  let spec: SpecMesh;
  before(async () => {
    spec = await startSpecMesh({
      echoes: ['echo-v1', 'echo-v2'],
      manifests: `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: mesh-query-param-matching}
spec:
  ${parent}
  rules:
  - matches: [{queryParams: [{name: animal, value: whale}]}]
    backendRefs: [{name: echo-v1, port: 80}]
  - matches: [{queryParams: [{name: animal, value: dolphin}]}]
    backendRefs: [{name: echo-v2, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /path1}, queryParams: [{name: animal, value: whale}]}]
    backendRefs: [{name: echo-v1, port: 80}]
  - matches: [{headers: [{name: version, value: one}], queryParams: [{name: animal, value: whale}]}]
    backendRefs: [{name: echo-v2, port: 80}]
  - matches:
    - path: {type: PathPrefix, value: /path3}
      queryParams: [{name: animal, value: shark}]
    - path: {type: PathPrefix, value: /path4}
      headers: [{name: version, value: three}]
      queryParams: [{name: animal, value: kraken}]
    backendRefs: [{name: echo-v1, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /path5}}]
    backendRefs: [{name: echo-v1, port: 80}]
  - matches: [{queryParams: [{name: animal, value: hydra}]}]
    backendRefs: [{name: echo-v2, port: 80}]
  - matches: [{queryParams: [{name: id, type: RegularExpression, value: "[0-9]+"}]}]
    backendRefs: [{name: echo-v2, port: 80}]`,
    });
  });
  after(() => spec.close());

  const cases: [string, Record<string, string>, string | 404][] = [
    ['/?animal=whale', {}, 'echo-v1'],
    ['/?animal=dolphin', {}, 'echo-v2'],
    ['/?animal=whale&otherparam=irrelevant', {}, 'echo-v1'],
    ['/?animal=dolphin&color=yellow', {}, 'echo-v2'],
    ['/?color=blue', {}, 404],
    ['/?animal=dog', {}, 404],
    ['/?animal=whaledolphin', {}, 404],
    ['/', {}, 404],
    // Combinations with other match types.
    ['/path1?animal=whale', {}, 'echo-v1'],
    ['/?animal=whale', { version: 'one' }, 'echo-v2'],
    // Matches of one rule are ORed…
    ['/path3?animal=shark', {}, 'echo-v1'],
    ['/path4?animal=kraken', { version: 'three' }, 'echo-v1'],
    // …the conditions of one match are ANDed.
    ['/?animal=shark', {}, 404],
    ['/path4?animal=kraken', {}, 404],
    // A path match outranks a query param match.
    ['/path5?animal=hydra', {}, 'echo-v1'],
    // The spec recommends matching the first value of a repeated parameter.
    ['/?animal=whale&animal=dolphin', {}, 'echo-v1'],
    ['/?animal=dolphin&animal=whale', {}, 'echo-v2'],
    // Values are percent-decoded before matching; a regex must match the whole value.
    ['/?animal=%77hale', {}, 'echo-v1'],
    ['/?id=123', {}, 'echo-v2'],
    ['/?id=12a', {}, 404],
  ];
  for (const [path, headers, want] of cases) {
    test(`${path} ${JSON.stringify(headers)} → ${want}`, () => expectRouted(spec, path, want, { headers }));
  }
});

describe('path Exact and RegularExpression, header Regex, method', () => {
  let spec: SpecMesh;
  before(async () => {
    spec = await startSpecMesh({
      echoes: ['echo-v1', 'echo-v2', 'echo-v3'],
      manifests: `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: exact-regex-method}
spec:
  ${parent}
  rules:
  - matches: [{path: {type: Exact, value: /one}}]
    backendRefs: [{name: echo-v1, port: 80}]
  - matches: [{path: {type: Exact, value: /two}}]
    backendRefs: [{name: echo-v2, port: 80}]
  - matches: [{path: {type: RegularExpression, value: "/regex/[0-9]+"}}]
    backendRefs: [{name: echo-v3, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /hdr}, headers: [{type: RegularExpression, name: x-tenant, value: "acme-[a-z]+"}]}]
    backendRefs: [{name: echo-v2, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /hdr}, headers: [{name: x-tenant, value: Initech}]}]
    backendRefs: [{name: echo-v3, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /method}, method: POST}]
    backendRefs: [{name: echo-v1, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /method}, method: GET}]
    backendRefs: [{name: echo-v2, port: 80}]`,
    });
  });
  after(() => spec.close());

  // HTTPRouteExactPathMatching.
  test('Exact matches only the exact path', async () => {
    await expectRouted(spec, '/one', 'echo-v1');
    await expectRouted(spec, '/two', 'echo-v2');
    await expectRouted(spec, '/one?x=1', 'echo-v1');
    await expectRouted(spec, '/one/example', 404);
    await expectRouted(spec, '/two/', 404);
    await expectRouted(spec, '/Two', 404);
    await expectRouted(spec, '/three', 404);
  });

  test('RegularExpression matches the whole path', async () => {
    await expectRouted(spec, '/regex/42', 'echo-v3');
    await expectRouted(spec, '/regex/42/more', 404);
    await expectRouted(spec, '/x/regex/42', 404);
    await expectRouted(spec, '/regex/', 404);
  });

  test('header Exact is case-sensitive on the value, case-insensitive on the name; Regex matches the whole value', async () => {
    await expectRouted(spec, '/hdr', 'echo-v2', { headers: { 'x-tenant': 'acme-corp' } });
    await expectRouted(spec, '/hdr', 'echo-v2', { headers: { 'X-Tenant': 'acme-corp' } });
    await expectRouted(spec, '/hdr', 404, { headers: { 'x-tenant': 'acme-corp-2' } });
    await expectRouted(spec, '/hdr', 'echo-v3', { headers: { 'X-TENANT': 'Initech' } });
    await expectRouted(spec, '/hdr', 404, { headers: { 'x-tenant': 'initech' } });
    await expectRouted(spec, '/hdr', 404);
  });

  // HTTPRouteMethodMatching.
  test('method matches exactly', async () => {
    await expectRouted(spec, '/method', 'echo-v1', { method: 'POST' });
    await expectRouted(spec, '/method', 'echo-v2', { method: 'GET' });
    await expectRouted(spec, '/method', 404, { method: 'HEAD' });
    await expectRouted(spec, '/method', 404, { method: 'PUT' });
  });
});
