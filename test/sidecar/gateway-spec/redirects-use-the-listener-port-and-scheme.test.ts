// RequestRedirect on Gateway listeners: the status and the exact Location. The spec's port rule:
// the filter's port, else the well-known port of a scheme the filter sets, else the port of the
// listener the request came in on (as the Gateway declares it, whatever the proxy binds), left out
// when it is the scheme's default; the scheme, unless the filter sets one, is the listener's
// (https on an HTTPS listener). Cases from the conformance tests HTTPRouteRedirectPortAndScheme
// (listeners on 80, 8080 and an HTTPS 443), HTTPRouteRedirectHostAndStatus,
// HTTPRouteRedirectScheme, HTTPRouteRedirectPort and HTTPRouteRedirectPath.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  selfSignedCertificate,
  startSpecGateway,
  tlsSecretYaml,
  type GatewayRequest,
  type SpecGateway,
} from '../../support/spec-gateway.js';

const CERT = selfSignedCertificate(['example.org']);

function gateway(name: string, listener: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}}
spec:
  gatewayClassName: sidelane
  listeners: [${listener}]`;
}

const redirect = (path: string, filter: string): string => `  - matches: [{path: {type: PathPrefix, value: ${path}}}]
    filters: [{type: RequestRedirect, requestRedirect: ${filter}}]`;

function route(name: string, gatewayName: string, rules: string[]): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: ${gatewayName}}]
  rules:
${rules.join('\n')}`;
}

const MANIFESTS = [
  tlsSecretYaml('tls-validity-checks-certificate', 'default', CERT),
  gateway('same-namespace', '{name: http, port: 80, protocol: HTTP}'),
  gateway('same-namespace-with-http-listener-on-8080', '{name: http, port: 8080, protocol: HTTP}'),
  gateway('same-namespace-with-https-listener', '{name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: tls-validity-checks-certificate}]}}'),
  route('http-route-for-listener-on-port-80', 'same-namespace', [
    redirect('/scheme-nil-and-port-nil', '{hostname: example.org}'),
    redirect('/scheme-nil-and-port-80', '{hostname: example.org, port: 80}'),
    redirect('/scheme-nil-and-port-8080', '{hostname: example.org, port: 8080}'),
    redirect('/scheme-https-and-port-nil', '{hostname: example.org, scheme: https}'),
    redirect('/scheme-https-and-port-443', '{hostname: example.org, scheme: https, port: 443}'),
    redirect('/scheme-https-and-port-8443', '{hostname: example.org, scheme: https, port: 8443}'),
    redirect('/hostname-redirect', '{hostname: example.org}'),
    redirect('/host-and-status', '{hostname: example.org, statusCode: 301}'),
    redirect('/scheme', '{scheme: https}'),
    redirect('/scheme-and-host', '{scheme: https, hostname: example.org}'),
    redirect('/scheme-and-status', '{scheme: https, statusCode: 301}'),
    redirect('/port', '{port: 8083}'),
    redirect('/port-and-host', '{hostname: example.org, port: 8083}'),
    redirect('/original-prefix', '{path: {type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix}}'),
    redirect('/full', '{path: {type: ReplaceFullPath, replaceFullPath: /full-path-replacement}}'),
    redirect('/status-308', '{statusCode: 308}'),
  ]),
  route('http-route-for-listener-on-port-8080', 'same-namespace-with-http-listener-on-8080', [
    redirect('/scheme-nil-and-port-nil', '{hostname: example.org}'),
    redirect('/scheme-nil-and-port-80', '{hostname: example.org, port: 80}'),
    redirect('/scheme-https-and-port-nil', '{hostname: example.org, scheme: https}'),
    redirect('/keep-everything', '{statusCode: 307}'),
  ]),
  route('http-route-for-listener-on-port-443', 'same-namespace-with-https-listener', [
    redirect('/scheme-nil-and-port-nil', '{hostname: example.org}'),
    redirect('/scheme-nil-and-port-443', '{hostname: example.org, port: 443}'),
    redirect('/scheme-nil-and-port-8443', '{hostname: example.org, port: 8443}'),
    redirect('/scheme-http-and-port-nil', '{hostname: example.org, scheme: http}'),
    redirect('/scheme-http-and-port-80', '{hostname: example.org, scheme: http, port: 80}'),
    redirect('/scheme-http-and-port-8080', '{hostname: example.org, scheme: http, port: 8080}'),
    redirect('/keep-everything', '{statusCode: 301}'),
  ]),
].join('\n---\n');

type Case = [path: string, status: number, location: string];

describe('RequestRedirect on Gateway listeners', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({ echoes: ['infra-backend-v1'], manifests: MANIFESTS });
  });
  after(() => gw.close());

  function run(label: string, request: GatewayRequest, cases: Case[]): void {
    for (const [path, status, location] of cases) {
      test(`${label}${path} → ${status} ${location}`, async () => {
        const res = await gw.get(path, request);
        assert.equal(res.status, status, `${label}${path}: ${res.body}`);
        assert.equal(res.headers.location, location, `${label}${path}`);
        assert.equal(res.headers['x-sidelane-error'], undefined);
      });
    }
  }

  run('http :80 ', { port: 80, host: 'example.com' }, [
    ['/scheme-nil-and-port-nil', 302, 'http://example.org/scheme-nil-and-port-nil'],
    ['/scheme-nil-and-port-80', 302, 'http://example.org/scheme-nil-and-port-80'],
    ['/scheme-nil-and-port-8080', 302, 'http://example.org:8080/scheme-nil-and-port-8080'],
    ['/scheme-https-and-port-nil', 302, 'https://example.org/scheme-https-and-port-nil'],
    ['/scheme-https-and-port-443', 302, 'https://example.org/scheme-https-and-port-443'],
    ['/scheme-https-and-port-8443', 302, 'https://example.org:8443/scheme-https-and-port-8443'],
    ['/hostname-redirect', 302, 'http://example.org/hostname-redirect'],
    ['/host-and-status', 301, 'http://example.org/host-and-status'],
    ['/scheme', 302, 'https://example.com/scheme'],
    ['/scheme-and-host', 302, 'https://example.org/scheme-and-host'],
    ['/scheme-and-status', 301, 'https://example.com/scheme-and-status'],
    ['/port', 302, 'http://example.com:8083/port'],
    ['/port-and-host', 302, 'http://example.org:8083/port-and-host'],
    ['/original-prefix/lemon?x=1', 302, 'http://example.com/replacement-prefix/lemon?x=1'],
    ['/full/path/original', 302, 'http://example.com/full-path-replacement'],
    ['/status-308', 308, 'http://example.com/status-308'],
  ]);

  // The Host's own port is not the redirect port: the listener's (80, the default) is.
  run('http :80 with Host port ', { port: 80, host: 'example.com:1234' }, [['/status-308', 308, 'http://example.com/status-308']]);

  run('http :8080 ', { port: 8080, host: 'example.com:8080' }, [
    ['/scheme-nil-and-port-nil', 302, 'http://example.org:8080/scheme-nil-and-port-nil'],
    ['/scheme-nil-and-port-80', 302, 'http://example.org/scheme-nil-and-port-80'],
    ['/scheme-https-and-port-nil', 302, 'https://example.org/scheme-https-and-port-nil'],
    ['/keep-everything/x?q=1', 307, 'http://example.com:8080/keep-everything/x?q=1'],
  ]);

  run('https :443 ', { port: 443, host: 'example.org', https: { ca: CERT.certPem } }, [
    ['/scheme-nil-and-port-nil', 302, 'https://example.org/scheme-nil-and-port-nil'],
    ['/scheme-nil-and-port-443', 302, 'https://example.org/scheme-nil-and-port-443'],
    ['/scheme-nil-and-port-8443', 302, 'https://example.org:8443/scheme-nil-and-port-8443'],
    ['/scheme-http-and-port-nil', 302, 'http://example.org/scheme-http-and-port-nil'],
    ['/scheme-http-and-port-80', 302, 'http://example.org/scheme-http-and-port-80'],
    ['/scheme-http-and-port-8080', 302, 'http://example.org:8080/scheme-http-and-port-8080'],
    ['/keep-everything', 301, 'https://example.org/keep-everything'],
  ]);
});
