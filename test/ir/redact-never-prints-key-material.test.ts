// redact() makes any value safe to log: private keys, tokens, passwords and Secret data never
// survive it, wherever they sit, while everything a reader needs to understand the log does.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { pino } from 'pino';
import { PINO_REDACT_PATHS, REDACTED, redact, type HeaderModifierIR, type TlsCertificateIR } from '../../src/ir/index.js';
import { CERTIFICATE_PEM as GATEWAY_CERTIFICATE, gatewayIr } from './gateway-ir-fixture.js';

const PRIVATE_KEY_PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MC4CAQAwBQYDK2VwBCIEIKeyMaterialThatMustNeverBeLoggedxxxxxxxxxxx',
  '-----END PRIVATE KEY-----',
].join('\n');
const CERTIFICATE_PEM = '-----BEGIN CERTIFICATE-----\nMIIBcertificateIsPublic\n-----END CERTIFICATE-----';

test('a TLS certificate keeps its certificate and loses its key', () => {
  const certificate: TlsCertificateIR = {
    name: 'shop-tls',
    namespace: 'shop',
    certificatePem: CERTIFICATE_PEM,
    privateKeyPem: PRIVATE_KEY_PEM,
  };
  const redacted = redact(certificate);
  assert.deepEqual(redacted, { ...certificate, privateKeyPem: REDACTED });
  assert.equal(certificate.privateKeyPem, PRIVATE_KEY_PEM, 'the input is not modified');
});

test('a Secret listed from the API (no kind) keeps its keys, not their values', () => {
  const secret = {
    metadata: {
      name: 'shop-tls',
      namespace: 'shop',
      annotations: {
        team: 'payments',
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data: { 'tls.key': 'c2VjcmV0' } }),
      },
    },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'c2VjcmV0' },
  };
  const redacted = redact(secret);
  assert.deepEqual(redacted.data, { 'tls.crt': REDACTED, 'tls.key': REDACTED });
  assert.equal(redacted.metadata.annotations.team, 'payments');
  assert.equal(redacted.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], REDACTED);
  assert.doesNotMatch(JSON.stringify(redacted), /c2VjcmV0/);
});

test('stringData and a kind: Secret are recognised; a ConfigMap is left alone', () => {
  const applied = redact({ apiVersion: 'v1', kind: 'Secret', stringData: { password: 'hunter2', user: 'app' } });
  assert.deepEqual(applied.stringData, { password: REDACTED, user: REDACTED });
  const configMap = { kind: 'ConfigMap', data: { 'nginx.conf': 'worker_processes 1;' } };
  assert.deepEqual(redact(configMap), configMap);
});

test('secret fields are redacted at any depth, other fields kept', () => {
  const value = {
    controller: { leaderLease: 'sidelane-leader' },
    auth: { token: 'eyJhbGciOi', password: 'pw', user: 'admin', private_key: 'raw', 'tls.key': 'k' },
    list: [{ key: 'abc', name: 'kept' }],
    notes: `pasted by mistake: ${PRIVATE_KEY_PEM}`,
  };
  assert.deepEqual(redact(value), {
    controller: { leaderLease: 'sidelane-leader' },
    auth: { token: REDACTED, password: REDACTED, user: 'admin', private_key: REDACTED, 'tls.key': REDACTED },
    list: [{ key: REDACTED, name: 'kept' }],
    notes: REDACTED,
  });
});

test('credential headers set by a route are redacted, others kept', () => {
  const modifier: HeaderModifierIR = {
    set: [
      { name: 'authorization', value: 'Bearer s3cr3t' },
      { name: 'x-team', value: 'payments' },
    ],
    add: [{ name: 'cookie', value: 'session=abc' }],
    remove: ['x-debug'],
  };
  assert.deepEqual(redact(modifier), {
    set: [
      { name: 'authorization', value: REDACTED },
      { name: 'x-team', value: 'payments' },
    ],
    add: [{ name: 'cookie', value: REDACTED }],
    remove: ['x-debug'],
  });
});

test('binary data and cycles do not leak or crash', () => {
  const value: Record<string, unknown> = { blob: Buffer.from(PRIVATE_KEY_PEM), when: new Date(0) };
  value.self = value;
  const redacted = redact(value);
  assert.equal(redacted.blob, REDACTED);
  assert.equal(redacted.self, '[Circular]');
  assert.ok(redacted.when instanceof Date && redacted.when.getTime() === 0);
});

test('key material under any secret field name, at any depth, never survives', () => {
  const secretField = fc.constantFrom('privateKey', 'privateKeyPem', 'key', 'tls.key', 'token', 'password', 'client_secret');
  const material = fc.stringMatching(/^[A-Za-z0-9+/]{24}$/).map((body) => `SECRET-${body}`);
  fc.assert(
    fc.property(
      fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.jsonValue(), { maxKeys: 5 }),
      fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { maxLength: 4 }),
      secretField,
      material,
      (surroundings, path, field, secret) => {
        let leaf: Record<string, unknown> = { [field]: secret };
        for (const segment of [...path].reverse()) leaf = { [segment]: leaf };
        const value = { ...surroundings, nested: leaf, asList: [leaf] };
        assert.ok(!JSON.stringify(redact(value)).includes(secret));
      },
    ),
  );
});

test('pino with PINO_REDACT_PATHS does not print secret fields', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ redact: [...PINO_REDACT_PATHS] }, sink);
  logger.info({ tls: { privateKey: 'pk-top-secret' }, token: 'tok-top-secret', secret: { data: { 'tls.key': 'data-top-secret' } } }, 'loaded');
  const output = lines.join('');
  assert.match(output, /"msg":"loaded"/);
  assert.doesNotMatch(output, /top-secret/);
});

test('a MeshIR with gateways keeps every certificate and loses every key', () => {
  const ir = gatewayIr();
  const text = JSON.stringify(redact(ir));
  assert.ok(!text.includes('GatewayKeyThatMustNeverBeLogged'));
  assert.ok(text.includes(JSON.stringify(GATEWAY_CERTIFICATE).slice(1, -1)), 'the certificate stays readable');
  assert.match(text, /"privateKeyPem":"\[REDACTED\]"/);
  assert.ok(JSON.stringify(ir).includes('GatewayKeyThatMustNeverBeLogged'), 'the input is not modified');
});

test('pino with PINO_REDACT_PATHS does not print the keys of a logged listener, its port or a list of listeners', () => {
  const port = gatewayIr().gateways?.[0]?.ports[1];
  assert.ok(port?.kind === 'tls');
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ redact: [...PINO_REDACT_PATHS] }, sink);
  logger.info({ listener: port.listeners[0] }, 'one listener');
  logger.info({ listeners: port.listeners }, 'its port');
  logger.info({ port: { listeners: port.listeners } }, 'the port object');
  const output = lines.join('');
  assert.match(output, /one listener/);
  assert.doesNotMatch(output, /GatewayKeyThatMustNeverBeLogged/);
});
