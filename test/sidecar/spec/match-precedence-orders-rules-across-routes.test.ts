// Match precedence (HTTPRouteRule.matches in the Gateway API spec) between the rules of every
// route attached to one Service port: Exact path, then the longest prefix, then method, then the
// most header matches, then the most query matches; ties go to the oldest route by
// creationTimestamp, then to the first in {namespace}/{name} order, then to rule order.
// Adapted from the conformance test HTTPRouteMatchingAcrossRoutes to Service parents.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSpecMesh, type SpecMesh, type SpecRequest } from '../../support/spec-mesh.js';

function route(name: string, rules: string, created?: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}${created ? `, creationTimestamp: "${created}"` : ''}}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, port: 80}]
  rules:
${rules}`;
}

const to = (echo: string): string => `    backendRefs: [{name: ${echo}, port: 80}]`;

async function routedTo(spec: SpecMesh, path: string, options: SpecRequest = {}): Promise<string> {
  const res = await spec.get(path, options);
  assert.equal(res.status, 200, `${path}: ${res.body}`);
  return res.json?.name ?? '?';
}

describe('precedence between rules of different routes', () => {
  let spec: SpecMesh;
  before(async () => {
    spec = await startSpecMesh({
      echoes: ['echo-v1', 'echo-v2', 'echo-v3', 'echo-v4'],
      manifests: [
        // Listed first and oldest, yet less specific than what the newer routes say.
        route(
          'broad',
          `  - matches: [{path: {type: PathPrefix, value: /}}]\n${to('echo-v1')}
  - matches: [{path: {type: PathPrefix, value: /api}}]\n${to('echo-v1')}
  - matches: [{path: {type: PathPrefix, value: /tie}}]\n${to('echo-v1')}`,
          '2024-01-01T00:00:00Z',
        ),
        route(
          'specific',
          `  - matches: [{path: {type: Exact, value: /api/v1}}]\n${to('echo-v2')}
  - matches: [{path: {type: PathPrefix, value: /api/v1}}]\n${to('echo-v3')}
  - matches: [{path: {type: PathPrefix, value: /api}, method: POST}]\n${to('echo-v4')}
  - matches: [{path: {type: PathPrefix, value: /api}, method: POST, headers: [{name: x-a, value: "1"}]}]\n${to('echo-v2')}
  - matches: [{path: {type: PathPrefix, value: /api}, method: POST, headers: [{name: x-a, value: "1"}], queryParams: [{name: q, value: "1"}]}]\n${to('echo-v3')}
  - matches: [{path: {type: PathPrefix, value: /tie}}]\n${to('echo-v2')}`,
          '2024-06-01T00:00:00Z',
        ),
        // Same timestamp-less tie: decided by namespace/name ("a-…" before "z-…").
        route('z-route', `  - matches: [{path: {type: PathPrefix, value: /name-tie}}]\n${to('echo-v3')}`),
        route('a-route', `  - matches: [{path: {type: PathPrefix, value: /name-tie}}]\n${to('echo-v4')}`),
        // Within one route, the first rule wins among equals.
        route(
          'rule-order',
          `  - matches: [{path: {type: PathPrefix, value: /rule-tie}}]\n${to('echo-v2')}
  - matches: [{path: {type: PathPrefix, value: /rule-tie}}]\n${to('echo-v3')}`,
        ),
      ].join('\n---\n'),
    });
  });
  after(() => spec.close());

  test('an Exact path outranks a longer-lived prefix, and the longest prefix wins', async () => {
    assert.equal(await routedTo(spec, '/api/v1'), 'echo-v2');
    assert.equal(await routedTo(spec, '/api/v1/users'), 'echo-v3');
    assert.equal(await routedTo(spec, '/api/v2'), 'echo-v1');
    assert.equal(await routedTo(spec, '/other'), 'echo-v1');
  });

  test('for equal paths a method match wins, then more headers, then more query params', async () => {
    assert.equal(await routedTo(spec, '/api/x', { method: 'POST' }), 'echo-v4');
    assert.equal(await routedTo(spec, '/api/x', { method: 'POST', headers: { 'x-a': '1' } }), 'echo-v2');
    assert.equal(await routedTo(spec, '/api/x?q=1', { method: 'POST', headers: { 'x-a': '1' } }), 'echo-v3');
    assert.equal(await routedTo(spec, '/api/x?q=1', { method: 'GET', headers: { 'x-a': '1' } }), 'echo-v1');
  });

  test('equal matches: the oldest route wins, then namespace/name, then rule order', async () => {
    assert.equal(await routedTo(spec, '/tie'), 'echo-v1');
    assert.equal(await routedTo(spec, '/name-tie'), 'echo-v4');
    assert.equal(await routedTo(spec, '/rule-tie'), 'echo-v2');
  });
});
