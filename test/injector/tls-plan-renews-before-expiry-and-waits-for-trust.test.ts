import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateSans, certificateValidity, isIssuedBy, splitPemBundle } from '../../injector/certs.js';
import { materialFromSecretData, planTls, secretDataFromMaterial, type TlsWanted } from '../../injector/tls-plan.js';

const hour = 3_600_000;
const t0 = Date.UTC(2030, 0, 1);
const wanted: TlsWanted = {
  caCommonName: 'sidelane-injector-ca', dnsNames: ['sidelane-injector.sidelane-system.svc'], ipAddresses: ['127.0.0.1'],
  caValidityMs: 30 * hour, certValidityMs: 9 * hour,
};
const trusts = (answer: boolean) => (): boolean => answer;

test('nothing stored: a CA and a certificate are made; stored and still fresh: nothing changes', async () => {
  const first = await planTls(undefined, wanted, t0);
  assert.deepEqual(first.changes, ['ca-created', 'cert-issued']);
  assert.ok(isIssuedBy(first.material.certPem, first.material.caCertPem));
  assert.equal(first.material.caBundlePem, first.material.caCertPem);

  const stored = materialFromSecretData(secretDataFromMaterial(first.material));
  assert.deepEqual(stored, first.material, 'the Secret round trip keeps every PEM');
  const again = await planTls(stored, wanted, t0 + hour, trusts(true));
  assert.deepEqual(again.changes, []);
  assert.deepEqual(again.material, first.material);
});

test('a certificate with a third of its life left is renewed, but only once the webhook trusts its CA', async () => {
  const { material } = await planTls(undefined, wanted, t0);
  const late = t0 + 7 * hour; // 2 h of 9 left
  assert.deepEqual((await planTls(material, wanted, late, trusts(false))).changes, [], 'untrusted CA: keep serving the working certificate');
  const renewed = await planTls(material, wanted, late, trusts(true));
  assert.deepEqual(renewed.changes, ['cert-renewal']);
  assert.equal(renewed.material.caCertPem, material.caCertPem);
  assert.equal(certificateValidity(renewed.material.certPem).notAfter, late + 9 * hour);
});

test('changed names or an expired certificate are replaced at once, trusted or not', async () => {
  const { material } = await planTls(undefined, wanted, t0);
  const renamed = await planTls(material, { ...wanted, ipAddresses: ['127.0.0.1', '::1'] }, t0 + hour, trusts(false));
  assert.deepEqual(renamed.changes, ['cert-names-changed']);
  assert.deepEqual(certificateSans(renamed.material.certPem).ipAddresses, ['127.0.0.1', '::1']);
  const expired = await planTls(material, wanted, t0 + 10 * hour, trusts(false));
  assert.deepEqual(expired.changes, ['cert-expired']);
});

test('CA rotation: new CA first in the bundle, the certificate moves when trusted, the old CA leaves when expired', async () => {
  const first = await planTls(undefined, wanted, t0);
  const { material } = await planTls(first.material, wanted, t0 + 15 * hour, trusts(true)); // certificate until 24 h
  const rotation = t0 + 20 * hour; // a third of the CA's 30 h left; the certificate is not due yet
  const rotated = await planTls(material, wanted, rotation, trusts(false));
  assert.deepEqual(rotated.changes, ['ca-rotated']);
  assert.notEqual(rotated.material.caCertPem, material.caCertPem);
  assert.deepEqual(splitPemBundle(rotated.material.caBundlePem), [rotated.material.caCertPem, material.caCertPem]);
  assert.equal(rotated.material.certPem, material.certPem, 'the working certificate stays until the webhook trusts the new CA');
  assert.deepEqual((await planTls(rotated.material, wanted, rotation + 1000, trusts(false))).changes, []);

  const moved = await planTls(rotated.material, wanted, rotation + 1000, trusts(true));
  assert.deepEqual(moved.changes, ['cert-moved-to-new-ca']);
  assert.ok(isIssuedBy(moved.material.certPem, rotated.material.caCertPem));
  assert.equal(moved.material.caBundlePem, rotated.material.caBundlePem, 'the old CA stays while certificates it signed may be served');

  const afterOldCa = await planTls(moved.material, wanted, t0 + 30 * hour + 1000, trusts(true));
  assert.ok(afterOldCa.changes.includes('expired-ca-dropped'));
  assert.deepEqual(splitPemBundle(afterOldCa.material.caBundlePem), [rotated.material.caCertPem]);
});

test('a Secret with missing keys or a CA key that fits no CA certificate starts over', async () => {
  const { material } = await planTls(undefined, wanted, t0);
  const data = secretDataFromMaterial(material);
  assert.equal(materialFromSecretData({ ...data, 'ca.key': '' }), undefined);
  const other = await planTls(undefined, wanted, t0);
  const mismatched = materialFromSecretData({ ...data, 'ca.key': Buffer.from(other.material.caKeyPem).toString('base64') });
  const plan = await planTls(mismatched, wanted, t0);
  assert.deepEqual(plan.changes, ['ca-created', 'cert-issued']);
});
