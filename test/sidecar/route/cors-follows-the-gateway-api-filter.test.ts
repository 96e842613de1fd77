// The HTTPRoute CORS filter: origin matching with default ports and left-greedy wildcards,
// preflights answered by the proxy (allowed or not), wildcards echoed from the request, credentials
// and Vary. Cases follow the spec text and the HTTPRouteCORS conformance test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corsDecision, isPreflight, originAllowed, type CorsDecision } from '../../../sidecar/route/cors.js';
import type { CorsIR } from '../../../src/ir/index.js';

function cors(over: Partial<CorsIR>): CorsIR {
  return { allowOrigins: [], allowMethods: [], allowHeaders: [], exposeHeaders: [], allowCredentials: false, maxAge: 5, ...over };
}

function header(decision: CorsDecision, name: string): string | undefined {
  return decision.headers.find(([n]) => n === name)?.[1];
}

// The first route of the conformance test HTTPRouteCORS.
const multiple = cors({
  allowOrigins: ['https://www.foo.com', 'https://*.bar.com'],
  allowMethods: ['GET', 'OPTIONS'],
  allowHeaders: ['x-header-1', 'x-header-2'],
  exposeHeaders: ['x-header-3', 'x-header-4'],
  allowCredentials: true,
  maxAge: 3600,
});

test('origin matching: exact, left-greedy wildcard over labels, default ports, case', () => {
  assert.equal(originAllowed(multiple, 'https://www.foo.com'), true);
  assert.equal(originAllowed(multiple, 'https://www.foo.com:443'), true, '443 is https default');
  assert.equal(originAllowed(multiple, 'HTTPS://WWW.FOO.COM'), true);
  assert.equal(originAllowed(multiple, 'http://www.foo.com'), false, 'scheme is part of the origin');
  assert.equal(originAllowed(multiple, 'https://www.foo.com:8443'), false, 'so is the port');
  assert.equal(originAllowed(multiple, 'https://foo.com'), false);
  assert.equal(originAllowed(multiple, 'https://www.bar.com'), true);
  assert.equal(originAllowed(multiple, 'https://xpto.www.bar.com'), true, 'any number of labels');
  assert.equal(originAllowed(multiple, 'https://bar.com'), false, '* matches at least one character');
  assert.equal(originAllowed(multiple, 'https://foobar.com'), false);
  assert.equal(originAllowed(multiple, 'https://www.bar.com.evil.io'), false, 'anchored at the end');
  assert.equal(originAllowed(multiple, 'null'), false);

  const withPort = cors({ allowOrigins: ['http://localhost:3000', 'http://a.com:80', 'https://*:8443'] });
  assert.equal(originAllowed(withPort, 'http://localhost:3000'), true);
  assert.equal(originAllowed(withPort, 'http://localhost'), false);
  assert.equal(originAllowed(withPort, 'http://a.com'), true, ':80 in the pattern is the http default');
  assert.equal(originAllowed(withPort, 'https://anything.io:8443'), true, 'a wildcard by itself matches all hosts');
  assert.equal(originAllowed(withPort, 'https://anything.io'), false);

  assert.equal(originAllowed(cors({ allowOrigins: ['*'] }), 'https://foobar.com:12345'), true);
  assert.equal(originAllowed(cors({ allowOrigins: ['*'] }), 'null'), true);
  assert.equal(originAllowed(cors({ allowOrigins: [] }), 'https://a.com'), false, 'empty list allows none');
});

test('preflight from an allowed origin: answered 200 with every allow header', () => {
  const d = corsDecision(multiple, { method: 'OPTIONS', origin: 'https://www.foo.com', requestMethod: 'GET', requestHeaders: 'x-header-1, x-header-2' });
  assert.deepEqual(d, {
    kind: 'preflight',
    allowed: true,
    status: 200,
    headers: [
      ['access-control-allow-origin', 'https://www.foo.com'],
      ['access-control-allow-credentials', 'true'],
      ['access-control-allow-methods', 'GET, OPTIONS'],
      ['access-control-allow-headers', 'x-header-1, x-header-2'],
      ['access-control-max-age', '3600'],
      ['access-control-expose-headers', 'x-header-3, x-header-4'],
      ['vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
    ],
  });
  const wild = corsDecision(multiple, { method: 'OPTIONS', origin: 'https://xpto.www.bar.com', requestMethod: 'GET' });
  assert.equal(header(wild, 'access-control-allow-origin'), 'https://xpto.www.bar.com', 'the request origin is echoed');
});

test('preflight from a disallowed origin: still answered by the proxy, without CORS headers', () => {
  const d = corsDecision(multiple, { method: 'OPTIONS', origin: 'https://foobar.com', requestMethod: 'GET' });
  assert.ok(d.kind === 'preflight');
  assert.equal(d.allowed, false);
  assert.equal(d.status, 200);
  assert.deepEqual(d.headers.filter(([n]) => n.startsWith('access-control-')), []);
});

test('actual request: allow-origin, credentials and expose headers, Vary: Origin', () => {
  const d = corsDecision(multiple, { method: 'GET', origin: 'https://www.bar.com', requestMethod: 'GET' });
  assert.deepEqual(d, {
    kind: 'actual',
    allowed: true,
    headers: [
      ['access-control-allow-origin', 'https://www.bar.com'],
      ['access-control-allow-credentials', 'true'],
      ['access-control-expose-headers', 'x-header-3, x-header-4'],
      ['vary', 'Origin'],
    ],
  });
  assert.deepEqual(corsDecision(multiple, { method: 'GET', origin: 'https://foobar.com' }), { kind: 'actual', allowed: false, headers: [['vary', 'Origin']] });
});

test('no Origin: not a CORS request, only Vary so caches keep answers apart', () => {
  assert.deepEqual(corsDecision(multiple, { method: 'GET' }), { kind: 'none', headers: [['vary', 'Origin']] });
  // OPTIONS without Origin or without Access-Control-Request-Method is not a preflight.
  assert.equal(corsDecision(multiple, { method: 'OPTIONS', requestMethod: 'GET' }).kind, 'none');
  assert.equal(corsDecision(multiple, { method: 'OPTIONS', origin: 'https://www.foo.com' }).kind, 'actual');
  assert.equal(isPreflight({ method: 'options', origin: 'https://www.foo.com', requestMethod: 'GET' }), false, 'methods are case-sensitive');
});

test('wildcard methods and headers echo the request, with or without credentials', () => {
  // Conformance route cors-wildcard-methods: allowMethods ["*"], no credentials.
  const wildcardMethods = cors({ allowOrigins: ['https://www.foo.com'], allowMethods: ['*'] });
  const d = corsDecision(wildcardMethods, { method: 'OPTIONS', origin: 'https://www.foo.com', requestMethod: 'POST' });
  assert.equal(header(d, 'access-control-allow-methods'), 'POST');
  assert.equal(header(d, 'access-control-allow-credentials'), undefined, 'absent unless allowCredentials');
  assert.equal(header(d, 'access-control-max-age'), '5', 'the spec default');

  const everything = cors({ allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'], allowCredentials: true });
  const p = corsDecision(everything, { method: 'OPTIONS', origin: 'https://other.foo.com', requestMethod: 'PUT', requestHeaders: 'x-header-1, x-header-2' });
  assert.equal(header(p, 'access-control-allow-origin'), 'https://other.foo.com', 'never * with credentials');
  assert.equal(header(p, 'access-control-allow-methods'), 'PUT');
  assert.equal(header(p, 'access-control-allow-headers'), 'x-header-1, x-header-2');
  assert.equal(header(p, 'access-control-allow-credentials'), 'true');
  const noHeaders = corsDecision(everything, { method: 'OPTIONS', origin: 'https://other.foo.com', requestMethod: 'PUT' });
  assert.equal(header(noHeaders, 'access-control-allow-headers'), undefined, 'nothing requested: header omitted, not *');

  const anyOrigin = cors({ allowOrigins: ['*'] });
  assert.equal(header(corsDecision(anyOrigin, { method: 'PUT', origin: 'https://foobar.com:12345' }), 'access-control-allow-origin'), 'https://foobar.com:12345');
});

test('expose headers: * kept without credentials, dropped with them', () => {
  const req = { method: 'GET', origin: 'https://a.com' };
  const plain = cors({ allowOrigins: ['https://a.com'], exposeHeaders: ['*'] });
  assert.equal(header(corsDecision(plain, req), 'access-control-expose-headers'), '*');
  const creds = cors({ allowOrigins: ['https://a.com'], exposeHeaders: ['*', 'x-id'], allowCredentials: true });
  assert.equal(header(corsDecision(creds, req), 'access-control-expose-headers'), 'x-id');
  const onlyStar = cors({ allowOrigins: ['https://a.com'], exposeHeaders: ['*'], allowCredentials: true });
  assert.equal(header(corsDecision(onlyStar, req), 'access-control-expose-headers'), undefined);
});

test('empty allowMethods and allowHeaders send no allow header (browsers allow safelisted ones)', () => {
  const d = corsDecision(cors({ allowOrigins: ['https://a.com'] }), { method: 'OPTIONS', origin: 'https://a.com', requestMethod: 'GET', requestHeaders: 'x-a' });
  assert.deepEqual(d.headers.map(([n]) => n), ['access-control-allow-origin', 'access-control-max-age', 'vary']);
});
