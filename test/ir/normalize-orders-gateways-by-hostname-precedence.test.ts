// normalize() puts gateway classes, their ports, listeners and virtual hosts in the documented
// order (name; port then transport; hostname precedence), keeps certificate and ALPN order, and
// spells "no class of ours" one way only (absent). Hostname patterns: what is well-formed, and
// the precedence comparator the translator, normalize() and validate() share.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareHostnamePatterns,
  irVersion,
  isHostnamePattern,
  normalize,
  validate,
  type GatewayPortIR,
  type MeshIR,
} from '../../src/ir/index.js';
import { certificate, gatewayIr } from './gateway-ir-fixture.js';

function shuffled(): MeshIR {
  const ir = gatewayIr();
  const classes = ir.gateways ?? [];
  classes.reverse();
  for (const gatewayClass of classes) {
    gatewayClass.ports.reverse();
    for (const port of gatewayClass.ports) {
      if (port.kind === 'http') {
        port.listeners.reverse();
        for (const listener of port.listeners) listener.hosts.reverse();
      }
      if (port.kind === 'tls') port.listeners.reverse();
    }
  }
  return ir;
}

test('a shuffled gateway IR normalizes to the canonical one, which validate() accepts', () => {
  const canonical = normalize(gatewayIr());
  assert.deepEqual(validate(shuffled()).map((p) => p.code).sort(), ['IR_UNSORTED_GATEWAY_CLASSES', 'IR_UNSORTED_HOSTNAMES', 'IR_UNSORTED_HOSTNAMES', 'IR_UNSORTED_HOSTNAMES', 'IR_UNSORTED_PORTS']);
  const normalized = normalize(shuffled());
  assert.deepEqual(normalized, canonical);
  assert.deepEqual(validate(normalized), []);
  assert.equal(irVersion(normalized), irVersion(canonical));
  assert.deepEqual(normalize(normalized), normalized, 'idempotent');
});

test('certificates and ALPN keep their order: the first certificate is the default one', () => {
  const ir = gatewayIr();
  const port = ir.gateways?.[0]?.ports[1] as Extract<GatewayPortIR, { kind: 'tls' }>;
  const https = port.listeners[0];
  assert.ok(https);
  https.certificates = [{ ...certificate(), name: 'z-default' }, { ...certificate(), name: 'a-second' }];
  https.alpn = ['http/1.1', 'h2'];
  const normalizedPort = normalize(ir).gateways?.[0]?.ports[1] as Extract<GatewayPortIR, { kind: 'tls' }>;
  const normalized = normalizedPort.listeners[0];
  assert.ok(normalized);
  assert.deepEqual(normalized.certificates.map((c) => c.name), ['z-default', 'a-second']);
  assert.deepEqual(normalized.alpn, ['http/1.1', 'h2']);
});

test('an empty gateway list is dropped: the IR (and version) of a mesh without Gateways', () => {
  const withEmpty = { ...gatewayIr(), gateways: [] };
  const { gateways: _gateways, ...without } = gatewayIr();
  assert.equal('gateways' in normalize(withEmpty), false);
  assert.equal(irVersion(normalize(withEmpty)), irVersion(normalize(without)));
});

test('hostname patterns: lower-case DNS names, *.suffix and * only', () => {
  for (const good of ['*', '*.example.com', 'example.com', 'a-b.example.com', 'localhost', '*.com']) assert.ok(isHostnamePattern(good), good);
  for (const bad of ['', 'Example.com', '*example.com', 'a.*.com', '**', '*.', '.example.com', 'example.com.', 'a..b', '-a.com', 'a_b.com', `${'a'.repeat(64)}.com`, 42]) {
    assert.ok(!isHostnamePattern(bad), String(bad));
  }
});

test('hostname precedence: exact names longest first, wildcards longest first, then *', () => {
  const patterns = ['*', '*.example.com', 'example.com', '*.a.example.com', 'b.example.com', 'a.example.com', 'www.a.example.com'];
  assert.deepEqual([...patterns].sort(compareHostnamePatterns), [
    'www.a.example.com',
    'a.example.com',
    'b.example.com',
    'example.com',
    '*.a.example.com',
    '*.example.com',
    '*',
  ]);
});
