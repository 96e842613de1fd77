// An HTTPS listener terminates TLS with the certificate of its Secret and serves the routes
// attached to it, over HTTP/1.1 or HTTP/2 (ALPN). Listeners of one port are chosen by SNI, each
// with its own certificate; a request whose Host belongs to another listener of the port than
// the SNI chose is answered 421. A renewed Secret is served to new connections without a
// restart. Cases from the conformance test HTTPRouteHTTPSListener (and its base Gateway
// same-namespace-with-https-listener), plus SNI and certificate selection.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import {
  selfSignedCertificate,
  startSpecGateway,
  tlsSecretYaml,
  type SpecGateway,
  type TestCertificate,
} from '../../support/spec-gateway.js';

const MAIN = selfSignedCertificate(['example.org', 'unknown-example.org']);
const SECOND = selfSignedCertificate(['second-example.org']);

function manifests(main: TestCertificate): string {
  return [
    tlsSecretYaml('tls-validity-checks-certificate', 'default', main),
    tlsSecretYaml('second-certificate', 'default', SECOND),
    `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: same-namespace-with-https-listener}
spec:
  gatewayClassName: sidelane
  listeners:
  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: tls-validity-checks-certificate}]}}
  - {name: https-with-hostname, port: 443, protocol: HTTPS, hostname: second-example.org, tls: {certificateRefs: [{name: second-certificate}]}}`,
    `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: httproute-https-test}
spec:
  parentRefs: [{name: same-namespace-with-https-listener}]
  hostnames: [example.org]
  rules:
  - backendRefs: [{name: infra-backend-v1, port: 8080}]`,
    `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: httproute-https-test-no-hostname}
spec:
  parentRefs: [{name: same-namespace-with-https-listener, sectionName: https-with-hostname}]
  rules:
  - backendRefs: [{name: infra-backend-v2, port: 8080}]`,
  ].join('\n---\n');
}

/** The certificate the listener presents for `servername` (no verification: we look at it). */
function presented(port: number, servername: string): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate());
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('HTTPS listener', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({ echoes: ['infra-backend-v1', 'infra-backend-v2'], manifests: manifests(MAIN) });
  });
  after(() => gw.close());

  test('HTTPRouteHTTPSListener: example.org is served with the Secret certificate', async () => {
    const res = await gw.get('/', { port: 443, host: 'example.org', https: { ca: MAIN.certPem } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json?.name, 'infra-backend-v1');
  });

  test('HTTPRouteHTTPSListener: the listener with a hostname serves its route with its own certificate', async () => {
    const res = await gw.get('/', { port: 443, host: 'second-example.org', https: { ca: SECOND.certPem } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json?.name, 'infra-backend-v2');
    const cert = await presented(gw.boundPort(443), 'second-example.org');
    assert.equal(cert.subject.CN, 'second-example.org');
    assert.equal((await presented(gw.boundPort(443), 'example.org')).subject.CN, 'example.org');
  });

  test('HTTPRouteHTTPSListener: a host no route names → 404', async () => {
    const res = await gw.get('/', { port: 443, host: 'unknown-example.org', https: { ca: MAIN.certPem } });
    assert.equal(res.status, 404);
    assert.equal(res.headers[ERROR_HEADER], ProxyErrorCode.NoRoute);
  });

  test('a Host of another listener than the SNI chose → 421 Misdirected Request', async () => {
    const res = await gw.get('/', { port: 443, host: 'second-example.org', https: { ca: MAIN.certPem, servername: 'example.org' } });
    assert.equal(res.status, 421, res.body);
    assert.equal(res.headers[ERROR_HEADER], ProxyErrorCode.Misdirected);
  });

  test('HTTP/2 is offered by ALPN and routes the same', async () => {
    const session = http2.connect(`https://127.0.0.1:${gw.boundPort(443)}`, { ca: MAIN.certPem, servername: 'example.org' });
    try {
      const alpn = await new Promise((resolve, reject) => {
        session.once('connect', () => {
          resolve(session.alpnProtocol);
        });
        session.once('error', reject);
      });
      assert.equal(alpn, 'h2');
      const body = await new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':path': '/h2', ':authority': 'example.org' });
        let text = '';
        stream.setEncoding('utf8');
        stream.on('data', (c: string) => {
          text += c;
        });
        stream.on('end', () => {
          resolve(text);
        });
        stream.on('error', reject);
      });
      assert.equal((JSON.parse(body) as { name: string }).name, 'infra-backend-v1');
    } finally {
      session.close();
    }
  });

  test('plain HTTP on the TLS port is not served', async () => {
    const answer = await gw.get('/', { port: 443, host: 'example.org' }).then((r) => r.status, () => 'connection failed');
    assert.notEqual(answer, 200);
  });

  test('a renewed Secret is presented to new connections without a restart', async () => {
    const renewed = selfSignedCertificate(['example.org']);
    await gw.apply(manifests(renewed));
    const res = await gw.get('/', { port: 443, host: 'example.org', https: { ca: renewed.certPem } });
    assert.equal(res.status, 200, res.body);
    await assert.rejects(gw.get('/', { port: 443, host: 'example.org', https: { ca: MAIN.certPem } }));
  });
});
