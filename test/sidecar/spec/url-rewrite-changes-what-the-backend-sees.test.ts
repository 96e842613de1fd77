// URLRewrite: the exact path and Host the backend received. Cases from the conformance tests
// MeshHTTPRouteRewritePath / HTTPRouteRewritePath and HTTPRouteRewriteHost, plus the spec's
// ReplacePrefixMatch table (HTTPPathModifier.replacePrefixMatch) run end to end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { receivedHeader, startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

const MODIFY_HEADERS = `{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Header-Set, value: set-overwrites-values}], add: [{name: X-Header-Add, value: header-val-1}, {name: X-Header-Add-Append, value: header-val-2}], remove: [X-Header-Remove]}}`;

function rewrite(prefix: string, urlRewrite: string, extra = ''): string {
  return `  - matches: [{path: {type: PathPrefix, value: "${prefix}"}}]
    filters: [{type: URLRewrite, urlRewrite: ${urlRewrite}}${extra}]
    backendRefs: [{name: echo-v1, port: 80}]`;
}

const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: rewrite}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, port: 80}]
  rules:
${[
  // The conformance route.
  rewrite('/prefix/one', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: /one}}'),
  rewrite('/strip-prefix', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}'),
  rewrite('/full/one', '{path: {type: ReplaceFullPath, replaceFullPath: /one}}'),
  rewrite('/full/rewrite-path-and-modify-headers', '{path: {type: ReplaceFullPath, replaceFullPath: /test}}', `, ${MODIFY_HEADERS}`),
  rewrite('/prefix/rewrite-path-and-modify-headers', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: /prefix}}', `, ${MODIFY_HEADERS}`),
  // HTTPRouteRewriteHost.
  rewrite('/host', '{hostname: one.example.org}'),
  rewrite('/host-and-path', '{hostname: two.example.org, path: {type: ReplacePrefixMatch, replacePrefixMatch: /two}}'),
  // The spec's ReplacePrefixMatch table, one prefix per (matched prefix, replacement) pair.
  rewrite('/t-xyz', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: /xyz}}'),
  rewrite('/t-xyz-slash', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: /xyz/}}'),
  rewrite('/t-slash-prefix/', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: /xyz}}'),
  rewrite('/t-empty', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: ""}}'),
  rewrite('/t-root', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}'),
  `  - matches: [{path: {type: PathPrefix, value: /first-match}}, {path: {type: PathPrefix, value: /second-match/deeper}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /x}}}]
    backendRefs: [{name: echo-v1, port: 80}]`,
  `  - matches: [{path: {type: PathPrefix, value: /plain}}]
    backendRefs: [{name: echo-v1, port: 80}]`,
  `  - matches: [{path: {type: PathPrefix, value: /}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}}]
    backendRefs: [{name: echo-v2, port: 80}]`,
].join('\n')}`;

describe('URLRewrite', () => {
  let spec: SpecMesh;
  before(async () => {
    spec = await startSpecMesh({ echoes: ['echo-v1', 'echo-v2'], manifests: ROUTE });
  });
  after(() => spec.close());

  async function backendSaw(path: string, headers: Record<string, string> = {}): Promise<{ path: string; host: string; name: string }> {
    const res = await spec.get(path, { headers });
    assert.equal(res.status, 200, `${path}: ${res.body}`);
    return { path: res.json?.path ?? '?', host: res.json?.host ?? '?', name: res.json?.name ?? '?' };
  }

  test('MeshHTTPRouteRewritePath: the backend sees the conformance paths', async () => {
    const rows: [sent: string, seen: string][] = [
      ['/prefix/one/two', '/one/two'],
      ['/strip-prefix/three', '/three'],
      ['/strip-prefix', '/'],
      ['/full/one/two', '/one'],
    ];
    for (const [sent, seen] of rows) assert.equal((await backendSaw(sent)).path, seen, sent);
  });

  test('MeshHTTPRouteRewritePath: a rewrite and a header modifier in one rule both apply', async () => {
    const send = { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1', 'X-Header-Set': 'set-val' };
    for (const [sent, seen] of [
      ['/full/rewrite-path-and-modify-headers/test', '/test'],
      ['/prefix/rewrite-path-and-modify-headers/one', '/prefix/one'],
    ] as const) {
      const res = await spec.get(sent, { headers: send });
      assert.equal(res.json?.path, seen, sent);
      assert.equal(receivedHeader(res, 'x-header-add').join(','), 'header-val-1');
      assert.equal(receivedHeader(res, 'x-header-add-append').join(','), 'append-val-1,header-val-2');
      assert.equal(receivedHeader(res, 'x-header-set').join(','), 'set-overwrites-values');
      assert.deepEqual(receivedHeader(res, 'x-header-remove'), []);
    }
  });

  test('ReplacePrefixMatch replaces the prefix of the match the request matched', async () => {
    assert.equal((await backendSaw('/first-match/1')).path, '/x/1');
    assert.equal((await backendSaw('/second-match/deeper/1')).path, '/x/1');
  });

  test('the query survives a path rewrite, byte for byte', async () => {
    assert.equal((await backendSaw('/prefix/one/two?a=1&b=%2F&c')).path, '/one/two?a=1&b=%2F&c');
    assert.equal((await backendSaw('/full/one/x?q=1')).path, '/one?q=1');
  });

  test('the spec table for ReplacePrefixMatch', async () => {
    const rows: [sent: string, seen: string][] = [
      ['/t-xyz/bar', '/xyz/bar'],
      ['/t-xyz', '/xyz'],
      ['/t-xyz/', '/xyz/'],
      ['/t-xyz-slash/bar', '/xyz/bar'],
      ['/t-slash-prefix/bar', '/xyz/bar'],
      ['/t-empty/bar', '/bar'],
      ['/t-empty/', '/'],
      ['/t-empty', '/'],
      ['/t-root/', '/'],
      ['/t-root', '/'],
      ['/t-root/bar', '/bar'],
      // Under the prefix "/" the replacement is prepended.
      ['/a/b', '/v2/a/b'],
    ];
    for (const [sent, seen] of rows) assert.equal((await backendSaw(sent)).path, seen, sent);
  });

  test('HTTPRouteRewriteHost: the backend sees exactly the new hostname; the path stays unless rewritten', async () => {
    assert.deepEqual(await backendSaw('/host/x?y=1'), { path: '/host/x?y=1', host: 'one.example.org', name: 'echo-v1' });
    assert.deepEqual(await backendSaw('/host-and-path/x'), { path: '/two/x', host: 'two.example.org', name: 'echo-v1' });
  });

  test('without a rewrite the Host and the request target are forwarded as sent', async () => {
    const res = await spec.get('/plain/./a%7e?x=%41', { host: 'echo.default' });
    assert.equal(res.json?.host, 'echo.default');
    assert.equal(res.json.path, '/plain/./a%7e?x=%41');
  });

  test('a rewrite works on the normalized path the route matched', async () => {
    assert.equal((await backendSaw('/t-zzz/../t-xyz/%62ar')).path, '/xyz/bar');
  });
});
