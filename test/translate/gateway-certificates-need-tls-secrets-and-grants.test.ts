// A Terminate listener serves the certificates of its certificateRefs: core Secrets of type
// kubernetes.io/tls the Gateway may read (same namespace or a ReferenceGrant), whose tls.crt and
// tls.key parse and match. Any problem is ResolvedRefs=False with the spec's reason and leaves the
// listener unprogrammed (routes may still attach); messages never carry key material.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Secret } from '@kubernetes/client-node';
import { createCa } from '../../injector/certs.js';
import { classify, parseManifests } from '../../src/api/objects.js';
import type { Listener, ReferenceGrant } from '../../src/api/gateway/index.js';
import type { ClusterSnapshot } from '../../src/api/snapshot.js';
import { gatewayStatuses, resolveGateways } from '../../src/translate/gateways.js';
import { OPTIONS, gateway, gatewayClass, https, secretGrant, selfSigned, snapshotOf, summary, tlsSecret } from './gateway-objects-fixture.js';

let pem: { certPem: string; keyPem: string };
let otherPem: { certPem: string; keyPem: string };
before(async () => {
  pem = await selfSigned();
  // A second pair for a key that belongs to another certificate.
  otherPem = await createCa({ commonName: 'other', validForMs: 86_400_000, now: Date.parse('2025-01-01T00:00:00Z') });
});

function resolve(listener: Listener, secrets: V1Secret[], referenceGrants: ReferenceGrant[] = [], extra: Partial<ClusterSnapshot> = {}) {
  const snapshot = snapshotOf({ gatewayClasses: [gatewayClass()], gateways: [gateway('web', 'edge', [listener])], secrets, referenceGrants, ...extra });
  const resolution = resolveGateways(snapshot, OPTIONS);
  const status = gatewayStatuses(resolution, snapshot, OPTIONS, new Map()).gatewayStatuses[0]?.listeners[0];
  const resolved = resolution.gateways.get('web/edge')?.listeners[0];
  assert.ok(resolved && status);
  const refs = status.conditions.find((c) => c.type === 'ResolvedRefs');
  return { resolved, status, refs, conditions: summary(status.conditions) };
}

test('a kubernetes.io/tls Secret in the Gateway namespace is served as PEM', () => {
  const { resolved, conditions } = resolve(https('site', 'site-cert'), [tlsSecret('web', 'site-cert', pem)]);
  assert.deepEqual(resolved.certificates, [{ name: 'site-cert', namespace: 'web', certificatePem: pem.certPem, privateKeyPem: pem.keyPem }]);
  assert.equal(resolved.tlsMode, 'Terminate');
  assert.equal(resolved.programmed, true);
  assert.deepEqual(conditions, ['Accepted=True/Accepted', 'Conflicted=False/NoConflicts', 'Programmed=True/Programmed', 'ResolvedRefs=True/ResolvedRefs']);
});

test('a Secret written with stringData in a file works too', () => {
  const indent = (text: string): string => text.trim().split('\n').map((l) => `    ${l}`).join('\n');
  const yaml = `apiVersion: v1\nkind: Secret\nmetadata: { name: site-cert, namespace: web }\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n${indent(pem.certPem)}\n  tls.key: |\n${indent(pem.keyPem)}\n`;
  const { snapshot } = classify(parseManifests(yaml, 'secret.yaml').objects, 'default');
  const { resolved } = resolve(https('site', 'site-cert'), snapshot.secrets);
  assert.equal(resolved.programmed, true);
  assert.equal(resolved.certificates.length, 1);
});

const broken: [string, () => V1Secret[], RegExp][] = [
  ['no such Secret', () => [], /certificateRefs\[0\] \(Secret web\/site-cert\): the Secret does not exist/],
  ['an Opaque Secret', () => [tlsSecret('web', 'site-cert', pem, 'Opaque')], /type Opaque; a certificate Secret must have type kubernetes\.io\/tls/],
  [
    'a Secret without tls.key',
    () => {
      const secret = tlsSecret('web', 'site-cert', pem);
      secret.data = { 'tls.crt': Buffer.from(pem.certPem).toString('base64') };
      return [secret];
    },
    /has no tls\.key/,
  ],
  ['garbage in tls.crt', () => [tlsSecret('web', 'site-cert', { certPem: 'not a certificate', keyPem: pem.keyPem })], /tls\.crt holds no PEM certificate/],
  [
    'a certificate block that does not parse',
    () => [tlsSecret('web', 'site-cert', { certPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', keyPem: pem.keyPem })],
    /certificate 1 of 1 does not parse/,
  ],
  ['a key that is not a key', () => [tlsSecret('web', 'site-cert', { certPem: pem.certPem, keyPem: 'secret-but-not-a-key' })], /tls\.key is not an unencrypted PEM private key/],
  ['the key of another certificate', () => [tlsSecret('web', 'site-cert', { certPem: pem.certPem, keyPem: otherPem.keyPem })], /not the private key of the first certificate/],
];

for (const [what, secrets, message] of broken) {
  test(`${what}: ResolvedRefs=False InvalidCertificateRef, not programmed, still attachable`, () => {
    const { resolved, refs, conditions, status } = resolve(https('site', 'site-cert'), secrets());
    assert.equal(refs?.reason, 'InvalidCertificateRef');
    assert.match(refs.message, message);
    assert.deepEqual(conditions, ['Accepted=True/Accepted', 'Conflicted=False/NoConflicts', 'Programmed=False/Invalid', 'ResolvedRefs=False/InvalidCertificateRef']);
    assert.equal(resolved.attachable, true);
    assert.equal(resolved.programmed, false);
    assert.deepEqual(resolved.certificates, []);
    const text = JSON.stringify(status);
    for (const secret of [pem.keyPem, otherPem.keyPem, Buffer.from(pem.keyPem).toString('base64')]) {
      assert.ok(!text.includes(secret.slice(40, 80)), 'no key material in status');
    }
  });
}

test('a Secret in another namespace needs a ReferenceGrant from Gateways of this namespace', () => {
  const listener = https('site', 'site-cert', 443, undefined, {
    tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'site-cert', namespace: 'certs' }] },
  });
  const secrets = [tlsSecret('certs', 'site-cert', pem)];
  const denied = resolve(listener, secrets);
  assert.equal(denied.refs?.reason, 'RefNotPermitted');
  assert.match(denied.refs.message, /no ReferenceGrant in certs lets Gateways of web use it/);
  assert.equal(denied.resolved.programmed, false);

  assert.equal(resolve(listener, secrets, [secretGrant('certs', 'other-ns')]).refs?.reason, 'RefNotPermitted');
  assert.equal(resolve(listener, secrets, [secretGrant('certs', 'web', 'another-secret')]).refs?.reason, 'RefNotPermitted');
  // Not permitted comes first, even for a Secret that does not exist.
  assert.equal(resolve(listener, []).refs?.reason, 'RefNotPermitted');

  const granted = resolve(listener, secrets, [secretGrant('certs', 'web', 'site-cert')]);
  assert.equal(granted.refs?.reason, 'ResolvedRefs');
  assert.equal(granted.resolved.programmed, true);
  assert.equal(granted.resolved.certificates[0]?.namespace, 'certs');
});

test('a reference to anything but a core Secret is InvalidCertificateRef', () => {
  const listener = https('site', 'x', 443, undefined, { tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'ConfigMap', name: 'x' }] } });
  const { refs } = resolve(listener, []);
  assert.equal(refs?.reason, 'InvalidCertificateRef');
  assert.match(refs.message, /core\/ConfigMap is not supported/);
});

test('one bad reference among good ones: the good certificate is kept, the listener is not programmed', () => {
  const listener = https('site', 'x', 443, undefined, {
    tls: { mode: 'Terminate', certificateRefs: [{ name: 'good' }, { name: 'missing' }] },
  });
  const { resolved, refs } = resolve(listener, [tlsSecret('web', 'good', pem)]);
  assert.deepEqual(resolved.certificates.map((c) => c.name), ['good']);
  assert.equal(refs?.reason, 'InvalidCertificateRef');
  assert.match(refs.message, /certificateRefs\[1\] \(Secret web\/missing\)/);
  assert.equal(resolved.programmed, false);
});

test('Terminate without certificateRefs resolves nothing; TLS Passthrough needs no certificate', () => {
  const none = resolve({ name: 'site', port: 443, protocol: 'HTTPS', tls: { mode: 'Terminate' } }, []);
  assert.equal(none.refs?.reason, 'InvalidCertificateRef');
  assert.match(none.refs.message, /needs at least one certificateRef/);

  const pass = resolve({ name: 'db', port: 443, protocol: 'TLS', hostname: 'db.example.com', tls: { mode: 'Passthrough' } }, []);
  assert.equal(pass.resolved.programmed, true);
  assert.equal(pass.resolved.tlsMode, 'Passthrough');
  assert.deepEqual(pass.resolved.kinds, ['TLSRoute']);
});

test('HTTPS with Passthrough, TLS without tls, and tls on HTTP are not accepted', () => {
  const cases: [Listener, RegExp][] = [
    [{ name: 'l', port: 443, protocol: 'HTTPS', tls: { mode: 'Passthrough' } }, /protocol HTTPS terminates TLS/],
    [{ name: 'l', port: 443, protocol: 'TLS' }, /protocol TLS needs tls\.mode/],
    [{ name: 'l', port: 80, protocol: 'HTTP', tls: { mode: 'Terminate' } }, /tls must not be set for protocol HTTP/],
  ];
  for (const [listener, message] of cases) {
    const { status, resolved } = resolve(listener, []);
    const accepted = status.conditions.find((c) => c.type === 'Accepted');
    assert.equal(`${accepted?.status}/${accepted?.reason}`, 'False/UnsupportedValue');
    assert.match(accepted?.message ?? '', message);
    assert.equal(resolved.attachable, false);
  }
});

test('client certificate validation is refused on the HTTPS listeners it covers, not silently skipped', () => {
  const validation = { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }] };
  const snapshot = snapshotOf({
    gatewayClasses: [gatewayClass()],
    secrets: [tlsSecret('web', 'c', pem)],
    gateways: [
      gateway('web', 'edge', [https('a', 'c', 443, 'a.example.com'), https('b', 'c', 8443, 'b.example.com')], {
        spec: { tls: { frontend: { default: {}, perPort: [{ port: 8443, tls: { validation } }] } } },
      }),
    ],
  });
  const resolution = resolveGateways(snapshot, OPTIONS);
  const [a, b] = resolution.gateways.get('web/edge')?.listeners ?? [];
  assert.equal(a?.attachable, true);
  assert.equal(b?.attachable, false);
  const status = gatewayStatuses(resolution, snapshot, OPTIONS, new Map()).gatewayStatuses[0]?.listeners[1];
  assert.match(status?.conditions[0]?.message ?? '', /client certificate validation \(spec\.tls\.frontend\) for port 8443 is not supported/);
});
