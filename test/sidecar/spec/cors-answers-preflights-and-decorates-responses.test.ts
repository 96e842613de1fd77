// The CORS filter (GEP-1767), cases and accepted values from the conformance test HTTPRouteCORS:
// a preflight is answered by the proxy (nothing reaches the backend) with the allow-* headers
// when the origin is allowed and without them when it is not; an actual request goes to the
// backend and its response carries Access-Control-Allow-Origin (and -Credentials, -Expose-Headers).
// List-valued headers are compared as sets, ignoring whitespace, as the conformance test does.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

function corsRule(prefix: string, cors: string): string {
  return `  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    filters: [{type: CORS, cors: ${cors}}]
    backendRefs: [{name: echo-v1, port: 80}]`;
}

const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: cors}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, port: 80}]
  rules:
${[
  corsRule(
    '/cors-1',
    `{allowOrigins: ["https://www.foo.com", "https://*.bar.com"], allowMethods: [GET, OPTIONS], allowHeaders: [x-header-1, x-header-2], exposeHeaders: [x-header-3, x-header-4], allowCredentials: true, maxAge: 3600}`,
  ),
  corsRule('/cors-2', `{allowOrigins: ["https://www.foo.com"], allowMethods: ["*"]}`),
  corsRule('/cors-wildcard-origin', `{allowOrigins: ["*"], allowMethods: [PUT]}`),
  corsRule('/cors-wildcard-methods-headers-unauth', `{allowOrigins: ["https://*.foo.com"], allowMethods: ["*"], allowHeaders: ["*"]}`),
  corsRule('/cors-wildcard-methods-headers', `{allowOrigins: ["https://*.foo.com"], allowMethods: ["*"], allowHeaders: ["*"], allowCredentials: true}`),
].join('\n')}`;

/** The header's comma-separated items, trimmed and sorted. */
function items(headers: IncomingHttpHeaders, name: string): string[] | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .sort();
}

describe('CORS', () => {
  let spec: SpecMesh;
  before(async () => {
    spec = await startSpecMesh({ echoes: ['echo-v1'], manifests: ROUTE });
  });
  after(() => spec.close());

  async function preflight(path: string, headers: Record<string, string>): Promise<IncomingHttpHeaders> {
    const reached = spec.echoes['echo-v1']?.log.length;
    const res = await spec.get(path, { method: 'OPTIONS', headers });
    assert.ok(res.status === 200 || res.status === 204, `${path}: ${res.status}`);
    assert.equal(spec.echoes['echo-v1']?.log.length, reached, 'a preflight never reaches the backend');
    return res.headers;
  }

  async function actual(path: string, method: string, headers: Record<string, string>): Promise<IncomingHttpHeaders> {
    const res = await spec.get(path, { method, headers });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json?.name, 'echo-v1', 'an actual request reaches the backend');
    return res.headers;
  }

  const allowedPreflight = { 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-header-1, x-header-2' };

  for (const origin of ['https://www.foo.com', 'https://www.bar.com', 'https://xpto.www.bar.com']) {
    test(`preflight from ${origin} (exact or wildcard origin) is allowed with every allow-* header`, async () => {
      const h = await preflight('/cors-1', { Origin: origin, ...allowedPreflight });
      assert.equal(h['access-control-allow-origin'], origin);
      assert.deepEqual(items(h, 'access-control-allow-methods'), ['GET', 'OPTIONS']);
      assert.deepEqual(items(h, 'access-control-allow-headers'), ['x-header-1', 'x-header-2']);
      assert.deepEqual(items(h, 'access-control-expose-headers'), ['x-header-3', 'x-header-4']);
      assert.equal(h['access-control-max-age'], '3600');
      assert.equal(h['access-control-allow-credentials'], 'true');
      assert.ok(items(h, 'vary')?.includes('Origin'));
    });
  }

  test('preflight from a non-matching origin gets no allow-origin', async () => {
    const h = await preflight('/cors-1', { Origin: 'https://foobar.com', 'access-control-request-method': 'GET' });
    assert.equal(h['access-control-allow-origin'], undefined);
  });

  test('an actual request from an exact or wildcard origin is allowed', async () => {
    for (const origin of ['https://www.foo.com', 'https://www.bar.com']) {
      const h = await actual('/cors-1', 'GET', { Origin: origin, ...allowedPreflight });
      assert.equal(h['access-control-allow-origin'], origin);
      assert.equal(h['access-control-allow-credentials'], 'true');
      assert.deepEqual(items(h, 'access-control-expose-headers'), ['x-header-3', 'x-header-4']);
    }
  });

  test('an actual request from a non-matching origin is served without allow-origin', async () => {
    const h = await actual('/cors-1', 'GET', { Origin: 'https://foobar.com', 'access-control-request-method': 'GET' });
    assert.equal(h['access-control-allow-origin'], undefined);
  });

  test('allowMethods "*" allows POST, and without allowCredentials there is no allow-credentials', async () => {
    const h = await preflight('/cors-2', { Origin: 'https://www.foo.com', 'access-control-request-method': 'POST' });
    assert.equal(h['access-control-allow-origin'], 'https://www.foo.com');
    assert.ok(['POST', '*'].includes(String(h['access-control-allow-methods'])));
    assert.equal(h['access-control-allow-credentials'], undefined);
    // maxAge defaults to 5 seconds.
    assert.equal(h['access-control-max-age'], '5');
  });

  test('allowOrigins "*": any origin, with or without a port, is allowed (echoed or "*")', async () => {
    for (const origin of ['https://foobar.com', 'https://foobar.com:12345']) {
      const p = await preflight('/cors-wildcard-origin', { Origin: origin, 'access-control-request-method': 'PUT' });
      assert.ok([origin, '*'].includes(String(p['access-control-allow-origin'])), origin);
      assert.equal(p['access-control-allow-methods'], 'PUT');
      assert.equal(p['access-control-allow-credentials'], undefined);
      const a = await actual('/cors-wildcard-origin', 'PUT', { Origin: origin });
      assert.ok([origin, '*'].includes(String(a['access-control-allow-origin'])), origin);
      assert.equal(a['access-control-allow-credentials'], undefined);
    }
  });

  test('with credentials, wildcard methods and headers are answered with what the preflight asked', async () => {
    const h = await preflight('/cors-wildcard-methods-headers', {
      Origin: 'https://other.foo.com',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'x-header-1, x-header-2',
    });
    assert.equal(h['access-control-allow-origin'], 'https://other.foo.com');
    assert.equal(h['access-control-allow-methods'], 'PUT');
    assert.deepEqual(items(h, 'access-control-allow-headers'), ['x-header-1', 'x-header-2']);
    assert.equal(h['access-control-allow-credentials'], 'true');
    const a = await actual('/cors-wildcard-methods-headers', 'GET', { Origin: 'https://other.foo.com', Authorization: 'Bearer test' });
    assert.equal(a['access-control-allow-origin'], 'https://other.foo.com');
    assert.equal(a['access-control-allow-credentials'], 'true');
  });

  test('without credentials the same route hides allow-credentials', async () => {
    const h = await preflight('/cors-wildcard-methods-headers-unauth', {
      Origin: 'https://other.foo.com',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'x-header-1, x-header-2',
    });
    assert.ok(['https://other.foo.com', '*'].includes(String(h['access-control-allow-origin'])));
    assert.ok(['PUT', '*'].includes(String(h['access-control-allow-methods'])));
    const allowHeaders = items(h, 'access-control-allow-headers');
    assert.ok(JSON.stringify(allowHeaders) === JSON.stringify(['x-header-1', 'x-header-2']) || JSON.stringify(allowHeaders) === '["*"]');
    assert.equal(h['access-control-allow-credentials'], undefined);
    const a = await actual('/cors-wildcard-methods-headers-unauth', 'GET', { Origin: 'https://other.foo.com', Authorization: 'Bearer test' });
    assert.equal(a['access-control-allow-origin'], 'https://other.foo.com');
    assert.equal(a['access-control-allow-credentials'], undefined);
  });

  test('an allowed origin replaces an allow-origin the backend sent itself', async () => {
    const h = await actual('/cors-1', 'GET', { Origin: 'https://www.foo.com', 'x-echo-set-header': 'Access-Control-Allow-Origin: https://evil.example' });
    assert.equal(h['access-control-allow-origin'], 'https://www.foo.com');
  });
});
