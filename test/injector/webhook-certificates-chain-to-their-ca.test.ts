import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import {
  canonicalIp, certificateExpiry, certificateSans, certificateValidity, createCa, isIssuedBy, issueServingCert,
  keyMatchesCertificate, splitPemBundle,
} from '../../injector/certs.js';

const now = Date.UTC(2030, 0, 1);
const hour = 3_600_000;

test('a serving certificate chains to its CA and names exactly the wanted DNS names and IPs', async () => {
  const ca = await createCa({ commonName: 'sidelane-injector-ca', validForMs: 24 * hour, now });
  const served = await issueServingCert(ca, { dnsNames: ['sidelane-injector.sidelane-system.svc'], ipAddresses: ['127.0.0.1', '::1'], validForMs: hour, now });
  const caCert = new X509Certificate(ca.certPem);
  const cert = new X509Certificate(served.certPem);

  assert.equal(caCert.ca, true);
  assert.ok(caCert.verify(caCert.publicKey), 'the CA is self-signed');
  assert.ok(cert.checkIssued(caCert));
  assert.ok(cert.verify(caCert.publicKey), 'the serving certificate is signed by the CA key');
  assert.equal(cert.ca, false);
  assert.equal(cert.checkHost('sidelane-injector.sidelane-system.svc'), 'sidelane-injector.sidelane-system.svc');
  assert.equal(cert.checkHost('other.sidelane-system.svc'), undefined);
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.notEqual(cert.checkIP('::1'), undefined);
  assert.equal(cert.checkIP('10.0.0.1'), undefined);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extended key usage: serverAuth only');
  assert.ok(cert.checkPrivateKey(createPrivateKey(served.keyPem)));
  assert.ok(isIssuedBy(served.certPem, ca.certPem));
  assert.ok(keyMatchesCertificate(served.keyPem, served.certPem));
  assert.ok(!keyMatchesCertificate(ca.keyPem, served.certPem));
  assert.deepEqual(certificateSans(served.certPem), { dnsNames: ['sidelane-injector.sidelane-system.svc'], ipAddresses: ['127.0.0.1', '::1'] });
});

test('validity: backdated a little for clock skew, capped at the CA, expiry readable from the PEM', async () => {
  const ca = await createCa({ commonName: 'ca', validForMs: 2 * hour, now });
  const served = await issueServingCert(ca, { dnsNames: ['a.svc'], ipAddresses: [], validForMs: 10 * hour, now });
  const caValidity = certificateValidity(ca.certPem);
  assert.equal(caValidity.notAfter, now + 2 * hour);
  assert.ok(caValidity.notBefore < now && caValidity.notBefore >= now - 60_000);
  assert.equal(certificateValidity(served.certPem).notAfter, now + 2 * hour, 'never outlives its CA');
  assert.equal(certificateExpiry(served.certPem).getTime(), now + 2 * hour);
});

test('a certificate of another CA with the same name is not taken as issued by this one', async () => {
  const [ca, impostor] = await Promise.all([
    createCa({ commonName: 'same-name', validForMs: hour, now }),
    createCa({ commonName: 'same-name', validForMs: hour, now }),
  ]);
  const served = await issueServingCert(impostor, { dnsNames: ['a.svc'], ipAddresses: [], validForMs: hour, now });
  assert.ok(!isIssuedBy(served.certPem, ca.certPem));
  assert.ok(!new X509Certificate(served.certPem).verify(new X509Certificate(ca.certPem).publicKey));
});

test('PEM bundles split into certificates; IPv6 SANs compare in canonical form; a certificate needs a name', async () => {
  const [a, b] = await Promise.all([createCa({ commonName: 'a', validForMs: hour, now }), createCa({ commonName: 'b', validForMs: hour, now })]);
  assert.deepEqual(splitPemBundle(`${a.certPem}\n${b.certPem}`).map((pem) => new X509Certificate(pem).subject), [
    new X509Certificate(a.certPem).subject, new X509Certificate(b.certPem).subject,
  ]);
  assert.equal(canonicalIp('FD00:0:0:0:0:0:0:1'), 'fd00::1');
  await assert.rejects(issueServingCert(a, { dnsNames: [], ipAddresses: [], validForMs: hour, now }), /at least one/);
});
