// URLRewrite on a Gateway's route: the exact Host and path the backend received. Cases from the
// conformance tests HTTPRouteRewriteHost and HTTPRouteRewritePath (whose route has a hostname on a
// shared listener: the rewrite applies after the listener and the route were chosen by the
// original Host). The query survives a path rewrite byte for byte.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { receivedHeader, startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

const MODIFY_HEADERS = `{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Header-Set, value: set-overwrites-values}], add: [{name: X-Header-Add, value: header-val-1}, {name: X-Header-Add-Append, value: header-val-2}], remove: [X-Header-Remove]}}`;

const rewrite = (prefix: string, urlRewrite: string, extra = ''): string => `  - matches: [{path: {type: PathPrefix, value: "${prefix}"}}]
    filters: [{type: URLRewrite, urlRewrite: ${urlRewrite}}${extra}]
    backendRefs: [{name: infra-backend-v1, port: 8080}]`;

function route(name: string, hostname: string, rules: string[]): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: same-namespace}]
  hostnames: [${hostname}]
  rules:
${rules.join('\n')}`;
}

const MANIFESTS = [
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: same-namespace}
spec:
  gatewayClassName: sidelane
  listeners: [{name: http, port: 80, protocol: HTTP}]`,
  route('rewrite-host', 'rewrite.example', [
    rewrite('/one', '{hostname: one.example.org}'),
    rewrite('/', '{hostname: example.org}'),
  ]),
  route('rewrite-path', 'rewrite.example.com', [
    rewrite('/prefix/one', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: /one}}'),
    rewrite('/strip-prefix', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}'),
    rewrite('/full/one', '{path: {type: ReplaceFullPath, replaceFullPath: /one}}'),
    rewrite('/full/rewrite-path-and-modify-headers', '{path: {type: ReplaceFullPath, replaceFullPath: /test}}', `, ${MODIFY_HEADERS}`),
    rewrite('/prefix/rewrite-path-and-modify-headers', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: /prefix}}', `, ${MODIFY_HEADERS}`),
    rewrite('/host-and-path', '{hostname: two.example.org, path: {type: ReplacePrefixMatch, replacePrefixMatch: /two}}'),
  ]),
].join('\n---\n');

describe('URLRewrite on a Gateway route', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({ echoes: ['infra-backend-v1'], manifests: MANIFESTS });
  });
  after(() => gw.close());

  async function backendSaw(host: string, path: string, headers: Record<string, string> = {}): Promise<{ host: string; path: string }> {
    const res = await gw.get(path, { host, headers });
    assert.equal(res.status, 200, `${host}${path}: ${res.body}`);
    assert.equal(res.json?.name, 'infra-backend-v1');
    return { host: res.json.host, path: res.json.path };
  }

  test('HTTPRouteRewriteHost: the backend sees exactly the new hostname, the path as sent', async () => {
    assert.deepEqual(await backendSaw('rewrite.example', '/one'), { host: 'one.example.org', path: '/one' });
    assert.deepEqual(await backendSaw('rewrite.example', '/x/y?z=1'), { host: 'example.org', path: '/x/y?z=1' });
    // The client's port goes too: the new Host is the filter's hostname alone.
    assert.deepEqual(await backendSaw('rewrite.example:80', '/one'), { host: 'one.example.org', path: '/one' });
  });

  test('HTTPRouteRewritePath: prefixes and full paths are replaced', async () => {
    const rows: [sent: string, seen: string][] = [
      ['/prefix/one/two', '/one/two'],
      ['/strip-prefix/three', '/three'],
      ['/strip-prefix', '/'],
      ['/full/one/two', '/one'],
      ['/prefix/one/two?a=1&b=%2F', '/one/two?a=1&b=%2F'],
    ];
    for (const [sent, seen] of rows) assert.equal((await backendSaw('rewrite.example.com', sent)).path, seen, sent);
  });

  test('HTTPRouteRewritePath: a rewrite and a header modifier in one rule both apply', async () => {
    const send = { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1', 'X-Header-Set': 'set-val' };
    for (const [sent, seen] of [
      ['/full/rewrite-path-and-modify-headers/test', '/test'],
      ['/prefix/rewrite-path-and-modify-headers/one', '/prefix/one'],
    ] as const) {
      const res = await gw.get(sent, { host: 'rewrite.example.com', headers: send });
      assert.equal(res.json?.path, seen, sent);
      assert.equal(receivedHeader(res, 'x-header-add').join(','), 'header-val-1');
      assert.equal(receivedHeader(res, 'x-header-add-append').join(','), 'append-val-1,header-val-2');
      assert.equal(receivedHeader(res, 'x-header-set').join(','), 'set-overwrites-values');
      assert.deepEqual(receivedHeader(res, 'x-header-remove'), []);
    }
  });

  test('host and path rewritten together', async () => {
    assert.deepEqual(await backendSaw('rewrite.example.com', '/host-and-path/x'), { host: 'two.example.org', path: '/two/x' });
  });
});
