// HTTPS listener ports: the ClientHello's SNI picks the listener and, among its certificates, the
// one whose names cover the SNI; ALPN agrees on h2 or http/1.1 and the decrypted stream reaches the
// same HTTP servers as plain HTTP. A Host that belongs to another listener of the port than the one
// the SNI chose is answered 421; redirects on TLS ports say https.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import type { GatewayProxy } from '../../../sidecar/gateway/gateway.js';
import {
  applyAndSettle,
  boundPort,
  Closer,
  echo,
  freePort,
  gatewayClass,
  httpsListener,
  meshIR,
  request,
  routeRules,
  routeTo,
  startGateway,
  testPki,
  vhost,
  type TestPki,
} from './gateway-harness.js';

/** Two listeners (one certificate each) on one port. */
const BY_LISTENER = 8443;
/** One `*` listener with two certificates. */
const BY_CERTIFICATE = 9443;
const closer = new Closer();
after(() => closer.closeAll());

let pki: TestPki;
let proxy: GatewayProxy;
let byListener = 0;
let byCertificate = 0;

before(async () => {
  pki = await testPki();
  const [certA, certB] = await Promise.all([pki.issue('cert-a', ['a.example.com']), pki.issue('cert-b', ['b.example.com'])]);
  const alpha = await echo(closer, 'alpha');
  const beta = await echo(closer, 'beta');
  // Both listener ports bound with one offset, so both listener ports must be free after it.
  const offset = (await freePort()) - BY_LISTENER;
  proxy = await startGateway(closer, { portOffset: offset });
  const aTable = routeRules('a', [
    { path: '/old', backend: 'alpha', port: 80, filters: [{ type: 'RequestRedirect', path: { type: 'ReplaceFullPath', value: '/new' }, statusCode: 302 }] },
    { backend: 'alpha', port: 80 },
  ]);
  const ir = meshIR(
    [
      { name: 'alpha', port: 80, endpointPort: alpha.address.port },
      { name: 'beta', port: 80, endpointPort: beta.address.port },
    ],
    gatewayClass([
      {
        port: BY_LISTENER,
        kind: 'tls',
        listeners: [
          httpsListener('https-a', 'a.example.com', [certA], [vhost('a.example.com', aTable)]),
          httpsListener('https-b', 'b.example.com', [certB], [vhost('b.example.com', routeTo('b', 'beta', 80))]),
        ],
      },
      { port: BY_CERTIFICATE, kind: 'tls', listeners: [httpsListener('https-any', '*', [certA, certB], [vhost('*', routeTo('any', 'alpha', 80))])] },
    ]),
  );
  await applyAndSettle(proxy, ir, 'v1');
  byListener = boundPort(proxy, BY_LISTENER);
  byCertificate = boundPort(proxy, BY_CERTIFICATE);
});

/** The CN of the certificate served for `servername` (undefined: no SNI) and the ALPN protocol agreed. */
async function handshake(port: number, servername: string | undefined, alpn: string[] = []): Promise<{ cn: string; alpn: string | false }> {
  const socket = tls.connect({
    host: '127.0.0.1',
    port,
    ...(servername === undefined ? {} : { servername }),
    ca: pki.ca.certPem,
    // Without SNI the name cannot be checked against anything: the CN is what the test looks at.
    checkServerIdentity: () => undefined,
    ALPNProtocols: alpn,
  });
  try {
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    return { cn: String(socket.getPeerCertificate().subject.CN), alpn: socket.alpnProtocol ?? false };
  } finally {
    socket.destroy();
  }
}

test('each listener of a port serves its own certificate, chosen by SNI', { timeout: 10_000 }, async () => {
  assert.equal((await handshake(byListener, 'a.example.com')).cn, 'a.example.com');
  assert.equal((await handshake(byListener, 'b.example.com')).cn, 'b.example.com');
});

test('a listener with two certificates serves the one covering the SNI, else its first', { timeout: 10_000 }, async () => {
  assert.equal((await handshake(byCertificate, 'b.example.com')).cn, 'b.example.com');
  assert.equal((await handshake(byCertificate, 'A.EXAMPLE.COM')).cn, 'a.example.com');
  assert.equal((await handshake(byCertificate, 'other.test')).cn, 'a.example.com');
  assert.equal((await handshake(byCertificate, undefined)).cn, 'a.example.com');
});

test('an SNI no listener of the port takes gets no handshake', { timeout: 10_000 }, async () => {
  await assert.rejects(handshake(byListener, 'c.example.com'));
});

test('ALPN offers h2 and http/1.1', { timeout: 10_000 }, async () => {
  assert.equal((await handshake(byListener, 'a.example.com', ['h2', 'http/1.1'])).alpn, 'h2');
  assert.equal((await handshake(byListener, 'a.example.com', ['http/1.1'])).alpn, 'http/1.1');
});

test('HTTPS requests reach the backend of the SNI listener\'s host', { timeout: 10_000 }, async () => {
  const a = await request(byListener, { host: 'a.example.com', tls: { ca: pki.ca.certPem } });
  assert.equal(a.status, 200);
  assert.equal(a.echo?.name, 'alpha');
  const b = await request(byListener, { host: `b.example.com:${String(BY_LISTENER)}`, tls: { ca: pki.ca.certPem } });
  assert.equal(b.echo?.name, 'beta');
  assert.equal(b.echo.protocol, 'HTTP/1.1');
});

test('a Host served by another listener than the SNI chose is 421 Misdirected Request', { timeout: 10_000 }, async () => {
  const answer = await request(byListener, { host: 'b.example.com', tls: { ca: pki.ca.certPem, servername: 'a.example.com' } });
  assert.equal(answer.status, 421);
  assert.equal(answer.headers['x-sidelane-error'], 'SIDELANE_ERR_MISDIRECTED');
  // A Host no listener serves is not misdirected: the SNI listener's routes answer (here: none).
  const unknown = await request(byListener, { host: 'nobody.test', tls: { ca: pki.ca.certPem, servername: 'a.example.com' } });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers['x-sidelane-error'], 'SIDELANE_ERR_NO_ROUTE');
});

test('a redirect on a TLS port keeps https and the Gateway listener port', { timeout: 10_000 }, async () => {
  const answer = await request(byListener, { host: 'a.example.com', path: '/old?x=1', tls: { ca: pki.ca.certPem } });
  assert.equal(answer.status, 302);
  assert.equal(answer.headers.location, `https://a.example.com:${String(BY_LISTENER)}/new?x=1`);
});

test('HTTP/2 over TLS (ALPN h2) is served', { timeout: 10_000 }, async () => {
  const session = http2.connect(`https://127.0.0.1:${String(byListener)}`, { servername: 'b.example.com', ca: pki.ca.certPem });
  session.on('error', () => undefined);
  try {
    const body = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ':authority': 'b.example.com', ':path': '/h2' });
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (text += chunk));
      stream.on('end', () => {
        resolve(text);
      });
      stream.on('error', reject);
    });
    assert.equal((JSON.parse(body) as { name: string }).name, 'beta');
    assert.equal(session.alpnProtocol, 'h2');
  } finally {
    session.close();
  }
});
