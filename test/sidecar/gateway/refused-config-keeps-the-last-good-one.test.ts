// A config the gateway cannot serve is refused as a whole (NACK) and the last good one keeps
// serving: an IR that fails validation, and one whose certificate does not load (its key belongs
// to another certificate). Neither opens its ports nor changes the certificate served.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MeshIR, TlsCertificateIR } from '../../../src/ir/index.js';
import type { GatewayProxy } from '../../../sidecar/gateway/gateway.js';
import {
  applyAndSettle,
  Closer,
  echo,
  freePort,
  gatewayClass,
  httpListener,
  httpsListener,
  meshIR,
  request,
  routeTo,
  startGateway,
  testPki,
  vhost,
  type Backend,
  type TestPki,
} from './gateway-harness.js';

const HOST = 'shop.example.com';
const closer = new Closer();
after(() => closer.closeAll());

let pki: TestPki;
let proxy: GatewayProxy;
let backends: Backend[];
let tlsPort = 0;

function configWith(certificate: TlsCertificateIR, extraPort?: number): MeshIR {
  return meshIR(
    backends,
    gatewayClass([
      { port: tlsPort, kind: 'tls', listeners: [httpsListener('https', HOST, [certificate], [vhost(HOST, routeTo('shop', 'shop', 80))])] },
      ...(extraPort === undefined ? [] : [{ port: extraPort, kind: 'http' as const, listeners: [httpListener('http', '*', [vhost('*', routeTo('shop', 'shop', 80))])] }]),
    ]),
  );
}

before(async () => {
  pki = await testPki();
  const shop = await echo(closer, 'shop');
  backends = [{ name: 'shop', port: 80, endpointPort: shop.address.port }];
  tlsPort = await freePort();
  proxy = await startGateway(closer);
});

async function rejectedCount(): Promise<number> {
  const line = (await proxy.metrics.metrics()).split('\n').find((l) => l.startsWith('sidelane_config_rejected_total{reason="invalid"}'));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

test('an invalid IR and an unloadable certificate are refused; the last good config serves on', { timeout: 20_000 }, async () => {
  const good = await pki.issue('shop-cert', [HOST]);
  const other = await pki.issue('other-cert', [HOST]);
  await applyAndSettle(proxy, configWith(good), 'v1');
  assert.equal((await request(tlsPort, { host: HOST, tls: { ca: pki.ca.certPem } })).status, 200);
  const extra = await freePort();

  // Fails validate(): listener hostnames out of precedence order (longer exact names go first).
  const unsorted = configWith(good, extra);
  const port = unsorted.gateways?.[0]?.ports.find((p) => p.kind === 'tls');
  assert.ok(port?.kind === 'tls');
  port.listeners.unshift(httpsListener('https-a', 'a.example.com', [good], [vhost('a.example.com', routeTo('shop', 'shop', 80))]));
  const invalid = proxy.apply(unsorted, 'v2');
  assert.ok(!invalid.applied);
  assert.match(invalid.reason, /IR_UNSORTED/);

  // Valid IR, but the key is not the certificate's: the handshake could never succeed.
  const mismatched = proxy.apply(configWith({ ...good, privateKeyPem: other.privateKeyPem }, extra), 'v3');
  assert.ok(!mismatched.applied);
  assert.match(mismatched.reason, /infra\/shop-cert/);

  await proxy.settled();
  assert.equal(proxy.version, 'v1');
  assert.equal(await rejectedCount(), 2);
  assert.equal(proxy.boundPorts().has(extra), false, 'a refused config opens no port');
  const answer = await request(tlsPort, { host: HOST, tls: { ca: pki.ca.certPem } });
  assert.equal(answer.status, 200);
  assert.equal(answer.echo?.name, 'shop');
});
