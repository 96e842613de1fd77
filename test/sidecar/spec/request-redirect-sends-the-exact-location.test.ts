// RequestRedirect: the status and the exact Location header. Routes and cases from the mesh
// conformance tests MeshHTTPRouteRedirectPath, MeshHTTPRouteSchemeRedirect,
// MeshHTTPRouteRedirectPort, MeshHTTPRouteRedirectHostAndStatus and the 303/307/308 variants;
// the port rules from HTTPRouteRedirectPortAndScheme, where a mesh Service port plays the
// listener's part (80, and 8080 for a second Service). The conformance tests compare parts of
// the Location; here the whole value is compared, with the spec's port rule: the filter's port,
// else the well-known port of a scheme the filter sets, else the port the request came in on,
// left out when it is the scheme's default.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { serviceYaml } from '../../support/mesh.js';
import { startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

function redirect(prefix: string, requestRedirect: string): string {
  return `  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    filters: [{type: RequestRedirect, requestRedirect: ${requestRedirect}}]`;
}

function route(name: string, service: string, port: number, rules: string[]): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{group: "", kind: Service, name: ${service}, port: ${port}}]
  rules:
${rules.join('\n')}`;
}

const ECHO_ROUTE = route('mesh-redirects', 'echo', 80, [
  // MeshHTTPRouteRedirectPath
  redirect('/original-prefix', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix}}'),
  redirect('/full', '{path: {type: ReplaceFullPath, replaceFullPath: /full-path-replacement}}'),
  redirect('/path-and-host', '{hostname: example.org, path: {type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix}}'),
  redirect('/path-and-status', '{statusCode: 301, path: {type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix}}'),
  redirect('/full-path-and-host', '{hostname: example.org, path: {type: ReplaceFullPath, replaceFullPath: /replacement-full}}'),
  redirect('/full-path-and-status', '{statusCode: 301, path: {type: ReplaceFullPath, replaceFullPath: /replacement-full}}'),
  // MeshHTTPRouteSchemeRedirect
  redirect('/scheme', '{scheme: https}'),
  redirect('/scheme-and-host', '{scheme: https, hostname: example.org}'),
  redirect('/scheme-and-status', '{scheme: https, statusCode: 301}'),
  redirect('/scheme-and-host-and-status', '{scheme: https, statusCode: 302, hostname: example.org}'),
  // MeshHTTPRouteRedirectPort
  redirect('/port', '{port: 8083}'),
  redirect('/port-and-host', '{hostname: example.org, port: 8083}'),
  redirect('/port-and-status', '{port: 8083, statusCode: 301}'),
  redirect('/port-and-host-and-status', '{port: 8083, hostname: example.org, statusCode: 302}'),
  // MeshHTTPRouteRedirectHostAndStatus, 303/307/308
  redirect('/hostname-redirect', '{hostname: example.org}'),
  redirect('/host-and-status', '{hostname: example.org, statusCode: 301}'),
  redirect('/status-303', '{hostname: example.org, statusCode: 303}'),
  redirect('/status-307', '{hostname: example.org, statusCode: 307}'),
  redirect('/status-308', '{hostname: example.org, statusCode: 308}'),
  // HTTPRouteRedirectPortAndScheme, Service port 80
  redirect('/scheme-nil-and-port-nil', '{hostname: example.org}'),
  redirect('/scheme-nil-and-port-80', '{hostname: example.org, port: 80}'),
  redirect('/scheme-nil-and-port-8080', '{hostname: example.org, port: 8080}'),
  redirect('/scheme-https-and-port-nil', '{hostname: example.org, scheme: https}'),
  redirect('/scheme-https-and-port-443', '{hostname: example.org, scheme: https, port: 443}'),
  redirect('/scheme-https-and-port-8443', '{hostname: example.org, scheme: https, port: 8443}'),
]);

const ECHO_8080_ROUTE = route('redirects-on-8080', 'echo-8080', 8080, [
  redirect('/scheme-nil-and-port-nil', '{hostname: example.org}'),
  redirect('/scheme-nil-and-port-80', '{hostname: example.org, port: 80}'),
  redirect('/scheme-https-and-port-nil', '{hostname: example.org, scheme: https}'),
  redirect('/keep-everything', '{statusCode: 307}'),
]);

describe('RequestRedirect', () => {
  let spec: SpecMesh;
  before(async () => {
    spec = await startSpecMesh({
      echoes: ['echo-v1'],
      manifests: [serviceYaml({ name: 'echo-8080', port: 8080, backends: [] }), ECHO_ROUTE, ECHO_8080_ROUTE].join('\n---\n'),
    });
  });
  after(() => spec.close());

  async function expectRedirect(host: string, path: string, status: number, location: string): Promise<void> {
    const res = await spec.get(path, { host });
    assert.equal(res.status, status, `${host}${path}: ${res.body}`);
    assert.equal(res.headers.location, location, `${host}${path}`);
    // Answered by the proxy: nothing reached a backend, and it is not an error.
    assert.equal(res.headers['x-sidelane-error'], undefined);
    assert.equal(res.body, '');
  }

  const onEcho: [path: string, status: number, location: string][] = [
    ['/original-prefix/lemon', 302, 'http://echo/replacement-prefix/lemon'],
    ['/full/path/original', 302, 'http://echo/full-path-replacement'],
    ['/path-and-host', 302, 'http://example.org/replacement-prefix'],
    ['/path-and-status', 301, 'http://echo/replacement-prefix'],
    ['/full-path-and-host', 302, 'http://example.org/replacement-full'],
    ['/full-path-and-status', 301, 'http://echo/replacement-full'],
    ['/scheme', 302, 'https://echo/scheme'],
    ['/scheme-and-host', 302, 'https://example.org/scheme-and-host'],
    ['/scheme-and-status', 301, 'https://echo/scheme-and-status'],
    ['/scheme-and-host-and-status', 302, 'https://example.org/scheme-and-host-and-status'],
    ['/port', 302, 'http://echo:8083/port'],
    ['/port-and-host', 302, 'http://example.org:8083/port-and-host'],
    ['/port-and-status', 301, 'http://echo:8083/port-and-status'],
    ['/port-and-host-and-status', 302, 'http://example.org:8083/port-and-host-and-status'],
    ['/hostname-redirect', 302, 'http://example.org/hostname-redirect'],
    ['/host-and-status', 301, 'http://example.org/host-and-status'],
    ['/status-303', 303, 'http://example.org/status-303'],
    ['/status-307', 307, 'http://example.org/status-307'],
    ['/status-308', 308, 'http://example.org/status-308'],
    ['/scheme-nil-and-port-nil', 302, 'http://example.org/scheme-nil-and-port-nil'],
    ['/scheme-nil-and-port-80', 302, 'http://example.org/scheme-nil-and-port-80'],
    ['/scheme-nil-and-port-8080', 302, 'http://example.org:8080/scheme-nil-and-port-8080'],
    ['/scheme-https-and-port-nil', 302, 'https://example.org/scheme-https-and-port-nil'],
    ['/scheme-https-and-port-443', 302, 'https://example.org/scheme-https-and-port-443'],
    ['/scheme-https-and-port-8443', 302, 'https://example.org:8443/scheme-https-and-port-8443'],
  ];
  for (const [path, status, location] of onEcho) {
    test(`echo${path} → ${status} ${location}`, () => expectRedirect('echo', path, status, location));
  }

  test('the query is kept, the path is the normalized one that matched', async () => {
    await expectRedirect('echo', '/original-prefix/lemon?x=1&y=%2F', 302, 'http://echo/replacement-prefix/lemon?x=1&y=%2F');
    await expectRedirect('echo', '/original-prefix/a/../lemon', 302, 'http://echo/replacement-prefix/lemon');
  });

  test('the Host as sent (any spelling of the Service) is the redirect host, without its port', async () => {
    await expectRedirect('echo.default.svc.cluster.local:80', '/port', 302, 'http://echo.default.svc.cluster.local:8083/port');
  });

  const on8080: [path: string, status: number, location: string][] = [
    ['/scheme-nil-and-port-nil', 302, 'http://example.org:8080/scheme-nil-and-port-nil'],
    ['/scheme-nil-and-port-80', 302, 'http://example.org/scheme-nil-and-port-80'],
    ['/scheme-https-and-port-nil', 302, 'https://example.org/scheme-https-and-port-nil'],
    ['/keep-everything/x?q=1', 307, 'http://echo-8080:8080/keep-everything/x?q=1'],
  ];
  for (const [path, status, location] of on8080) {
    test(`echo-8080:8080${path} → ${status} ${location}`, () => expectRedirect('echo-8080:8080', path, status, location));
  }
});
