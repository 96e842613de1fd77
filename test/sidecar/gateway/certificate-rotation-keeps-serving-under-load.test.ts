// A certificate rotated (a new config with the Secret's new certificate and key) while clients keep
// sending requests: not one request fails, new handshakes get the new certificate at once, and a
// connection opened before the rotation goes on with the certificate it was made with.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import { after, before, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import tls from 'node:tls';
import type { MeshIR, TlsCertificateIR } from '../../../src/ir/index.js';
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
  routeTo,
  startGateway,
  testPki,
  vhost,
  type Backend,
  type TestPki,
} from './gateway-harness.js';

const LISTENER_PORT = 443;
const HOST = 'shop.example.com';
const closer = new Closer();
after(() => closer.closeAll());

let pki: TestPki;
let proxy: GatewayProxy;
let port = 0;
let backends: Backend[];

function configWith(certificate: TlsCertificateIR): MeshIR {
  return meshIR(
    backends,
    gatewayClass([{ port: LISTENER_PORT, kind: 'tls', listeners: [httpsListener('https', HOST, [certificate], [vhost(HOST, routeTo('shop', 'shop', 80))])] }]),
  );
}

before(async () => {
  pki = await testPki();
  const shop = await echo(closer, 'shop');
  backends = [{ name: 'shop', port: 80, endpointPort: shop.address.port }];
  proxy = await startGateway(closer, { portOffset: (await freePort()) - LISTENER_PORT });
});

/** Polls `condition` every 10 ms (the machine may be loaded: the test's own timeout bounds it). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function servedFingerprint(): Promise<string> {
  const socket = tls.connect({ host: '127.0.0.1', port, servername: HOST, ca: pki.ca.certPem });
  try {
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    return socket.getPeerX509Certificate()?.fingerprint256 ?? '';
  } finally {
    socket.destroy();
  }
}

test('rotation under continuous load: no failed request, new handshakes see the new certificate', { timeout: 30_000 }, async () => {
  const before = await pki.issue('shop-cert', [HOST]);
  const rotated = await pki.issue('shop-cert', [HOST]);
  const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;
  await applyAndSettle(proxy, configWith(before), 'v1');
  port = boundPort(proxy, LISTENER_PORT);
  assert.equal(await servedFingerprint(), fingerprint(before.certificatePem));

  // A kept-alive connection from before the rotation.
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: pki.ca.certPem });
  closer.add(() => {
    agent.destroy();
  });
  assert.equal((await request(port, { host: HOST, tls: { ca: pki.ca.certPem }, agent })).status, 200);
  const kept = Object.values(agent.freeSockets).flat()[0] as TLSSocket | undefined;
  assert.ok(kept);

  // Load: clients opening a new connection per request (a handshake each), and clients on kept-alive connections.
  const loadAgent = new https.Agent({ keepAlive: true, maxSockets: 4, ca: pki.ca.certPem });
  closer.add(() => {
    loadAgent.destroy();
  });
  let stop = false;
  const failures: string[] = [];
  const served: number[] = [];
  const client = async (keepAlive: boolean): Promise<void> => {
    while (!stop) {
      try {
        const answer = await request(port, { host: HOST, tls: { ca: pki.ca.certPem }, ...(keepAlive ? { agent: loadAgent } : {}) });
        if (answer.status === 200) served.push(Date.now());
        else failures.push(`status ${String(answer.status)}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  const clients = Array.from({ length: 8 }, (_, i) => client(i % 2 === 0));
  await until(() => served.length >= 10);
  const rotatedAt = Date.now();
  await applyAndSettle(proxy, configWith(rotated), 'v2');
  assert.equal(await servedFingerprint(), fingerprint(rotated.certificatePem), 'the first handshake after apply() gets the new certificate');
  await until(() => served.filter((t) => t > rotatedAt).length >= 10);
  stop = true;
  await Promise.all(clients);
  assert.deepEqual(failures, []);

  // The connection from before goes on, still on the certificate it was made with.
  assert.equal((await request(port, { host: HOST, tls: { ca: pki.ca.certPem }, agent })).status, 200);
  assert.deepEqual(Object.values(agent.freeSockets).flat(), [kept]);
  assert.equal(kept.getPeerX509Certificate()?.fingerprint256, fingerprint(before.certificatePem));
});
