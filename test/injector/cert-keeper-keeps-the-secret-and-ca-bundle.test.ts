import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { CoreV1Api, type V1Secret } from '@kubernetes/client-node';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { CertKeeper, type CertKeeperOptions } from '../../injector/cert-keeper.js';
import { certificateSans, fingerprint, isIssuedBy, splitPemBundle } from '../../injector/certs.js';
import { loadInjectorConfig } from '../../injector/config.js';
import { startInjectorServer, type InjectorServer } from '../../injector/server.js';
import { sharedKube, uniqueNamespace, type KubeEnv } from '../support/kube.js';
import {
  caBundles, createWebhookConfiguration, deleteWebhookConfiguration, eventually, testWebhookConfiguration,
} from '../support/injector-webhook.js';

let kube: KubeEnv;
let namespace: string;
const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const cleanups: (() => Promise<void>)[] = [];

before(async () => {
  kube = await sharedKube();
  namespace = await uniqueNamespace(kube, 'injector-keeper');
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await kube.kubeConfig.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace }).catch(() => undefined);
  await kube.stop();
});

/** A webhook configuration no pod ever matches (its namespaces must carry a label nobody sets). */
async function webhookConfig(): Promise<string> {
  const name = `sidelane-keeper-${randomBytes(3).toString('hex')}`;
  await createWebhookConfiguration(kube.kubeConfig, testWebhookConfiguration({
    name, url: 'https://127.0.0.1:1/inject', fence: { key: 'sidelane.io/test-fence', value: name }, failurePolicy: 'Ignore',
  }));
  cleanups.push(() => deleteWebhookConfiguration(kube.kubeConfig, name));
  return name;
}

function keeper(secretName: string, webhookConfigName: string, overrides: Partial<CertKeeperOptions> = {}): CertKeeper {
  const k = new CertKeeper({
    kubeConfig: kube.kubeConfig, namespace, secretName, webhookConfigName,
    dnsNames: ['sidelane-injector.test.svc'], ipAddresses: ['127.0.0.1'],
    caValidityMs: 3_600_000, certValidityMs: 600_000, resyncMs: 200, log, registry: new Registry(), ...overrides,
  });
  cleanups.push(() => k.close());
  return k;
}

function readSecret(name: string): Promise<V1Secret> {
  return kube.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name, namespace });
}

function decoded(secret: V1Secret, key: string): string {
  return Buffer.from(secret.data?.[key] ?? '', 'base64').toString();
}

test('two replicas create one Secret between them, share its CA, and set caBundle on every webhook', async () => {
  const mwc = await webhookConfig();
  const [a, b] = [keeper('tls-shared', mwc), keeper('tls-shared', mwc)];
  const [materialA, materialB] = await Promise.all([a.start(), b.start()]);
  assert.equal(materialA.caCertPem, materialB.caCertPem, 'one CA for both replicas');
  assert.equal(materialA.certPem, materialB.certPem);

  const secret = await readSecret('tls-shared');
  assert.equal(secret.type, 'kubernetes.io/tls');
  assert.deepEqual(Object.keys(secret.data ?? {}).sort(), ['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
  assert.ok(isIssuedBy(decoded(secret, 'tls.crt'), decoded(secret, 'ca.crt')));
  assert.deepEqual(certificateSans(decoded(secret, 'tls.crt')), { dnsNames: ['sidelane-injector.test.svc'], ipAddresses: ['127.0.0.1'] });
  assert.deepEqual(await caBundles(kube.kubeConfig, mwc), [decoded(secret, 'ca.crt'), decoded(secret, 'ca.crt')]);
});

test('a caBundle reset by someone else (a helm upgrade) is put back at the next resync', async () => {
  const mwc = await webhookConfig();
  const k = keeper('tls-repair', mwc);
  const material = await k.start();
  const { AdmissionregistrationV1Api } = await import('@kubernetes/client-node');
  await kube.kubeConfig.makeApiClient(AdmissionregistrationV1Api).patchMutatingWebhookConfiguration({
    name: mwc, body: [{ op: 'remove', path: '/webhooks/1/clientConfig/caBundle' }, { op: 'replace', path: '/webhooks/0/clientConfig/caBundle', value: '' }],
  });
  await eventually('caBundle repaired', async () => {
    const bundles = await caBundles(kube.kubeConfig, mwc);
    return bundles.every((b) => b === material.caBundlePem) ? bundles : undefined;
  }, 10_000);
});

test('a Secret whose names no longer fit is re-issued for the wanted names, keeping the CA', async () => {
  const mwc = await webhookConfig();
  const first = await keeper('tls-names', mwc).start();
  const renamed = await keeper('tls-names', mwc, { dnsNames: ['sidelane-injector.other.svc'] }).sync();
  assert.equal(renamed.caCertPem, first.caCertPem);
  assert.deepEqual(certificateSans(renamed.certPem).dnsNames, ['sidelane-injector.other.svc']);
});

test('short lifetimes: certificate and CA are renewed in time and the server serves each new certificate without a restart', { timeout: 60_000 }, async () => {
  const mwc = await webhookConfig();
  const delivered: string[] = [];
  const serving: { server?: InjectorServer } = {};
  const k = keeper('tls-rotation', mwc, {
    caValidityMs: 12_000, certValidityMs: 4_000, resyncMs: 250,
    onServingCert: (pair) => { delivered.push(pair.cert); serving.server?.setTls(pair); },
  });
  const first = await k.start();
  const server = await startInjectorServer({
    host: '127.0.0.1', port: 0, tls: { cert: first.certPem, key: first.keyPem }, config: await loadInjectorConfig(),
    failurePolicy: 'Ignore', log, registry: new Registry(),
  });
  cleanups.push(() => server.close());
  serving.server = server;

  // The serving certificate is renewed before it expires, under the same CA, and served at once.
  const renewed = await eventually('a renewed serving certificate', async () => {
    const served = await servedCertificate(server.port, await caBundles(kube.kubeConfig, mwc));
    return fingerprint(served) !== fingerprint(first.certPem) && isIssuedBy(served, first.caCertPem) ? served : undefined;
  }, 10_000, 100);
  assert.equal(fingerprint(renewed), fingerprint(k.material?.certPem ?? ''));

  // The CA is replaced before it expires: for a while the webhook trusts both, then the serving
  // certificate moves to the new CA; the API server's bundle verifies it all along.
  const moved = await eventually('a certificate of the new CA', async () => {
    const bundle = await caBundles(kube.kubeConfig, mwc);
    const served = await servedCertificate(server.port, bundle);
    const cas = splitPemBundle(bundle[0] ?? '');
    return cas.length === 2 && !isIssuedBy(served, first.caCertPem) && isIssuedBy(served, cas[0] ?? '') ? { served, cas } : undefined;
  }, 20_000, 100);
  assert.equal(fingerprint(moved.cas[1] ?? ''), fingerprint(first.caCertPem), 'the old CA stays in the bundle');
  assert.ok(delivered.length >= 3, `each new certificate was handed to the server (${delivered.length})`);
});

/** The certificate a TLS client trusting `bundles[0]` is served on 127.0.0.1 (the handshake must verify). */
function servedCertificate(port: number, bundles: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: bundles[0] ?? '', servername: undefined }, () => {
      const raw = socket.getPeerX509Certificate();
      socket.end();
      if (raw) resolve(raw.toString());
      else reject(new Error('no peer certificate'));
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('TLS handshake timed out')));
    socket.once('error', reject);
  });
}
