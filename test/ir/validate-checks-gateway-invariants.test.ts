// Each invariant of `MeshIR.gateways`, broken alone in an otherwise valid IR, gives exactly its own
// problem code at the place it was broken; several broken at once are all reported. Every code only
// gateways can give has a case here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  GATEWAY_PROBLEM_CODES,
  validate,
  type GatewayClassIR,
  type GatewayPortIR,
  type IrProblemCode,
  type MeshIR,
} from '../../src/ir/index.js';
import { certificate, gatewayIr, listener } from './gateway-ir-fixture.js';

function gatewayClass(ir: MeshIR, index: number): GatewayClassIR {
  const found = ir.gateways?.[index];
  assert.ok(found, `gateways[${index}]`);
  return found;
}
function port<K extends GatewayPortIR['kind']>(ir: MeshIR, index: number, kind: K): Extract<GatewayPortIR, { kind: K }> {
  const found = gatewayClass(ir, 0).ports[index];
  assert.ok(found?.kind === kind, `ports[${index}] is ${kind}`);
  return found as Extract<GatewayPortIR, { kind: K }>;
}
function httpListener(ir: MeshIR, index: number): Extract<GatewayPortIR, { kind: 'http' }>['listeners'][number] {
  const found = port(ir, 0, 'http').listeners[index];
  assert.ok(found);
  return found;
}
function tlsListener(ir: MeshIR, index: number): Extract<GatewayPortIR, { kind: 'tls' }>['listeners'][number] {
  const found = port(ir, 1, 'tls').listeners[index];
  assert.ok(found);
  return found;
}

const p = 'gateways[0].ports';

const cases: [IrProblemCode, string, (ir: MeshIR) => void][] = [
  ['IR_UNSORTED_GATEWAY_CLASSES', 'gateways[1]', (ir) => { ir.gateways?.reverse(); }],
  ['IR_DUPLICATE_GATEWAY_CLASS', 'gateways[2]', (ir) => { ir.gateways?.push(structuredClone(gatewayClass(ir, 1))); }],
  ['IR_INVALID_REF', 'gateways[0].name', (ir) => { gatewayClass(ir, 0).name = ''; }],
  ['IR_INVALID_TIMEOUT', 'gateways[1].udpIdleTimeoutMs', (ir) => { gatewayClass(ir, 1).udpIdleTimeoutMs = 0; }],
  ['IR_UNSORTED_PORTS', `${p}[1]`, (ir) => { gatewayClass(ir, 0).ports.reverse(); }],
  ['IR_DUPLICATE_PORT', `${p}[1]`, (ir) => {
    gatewayClass(ir, 0).ports.splice(1, 0, { port: 80, kind: 'tcp', listener: listener('raw-80') });
  }],
  ['IR_INVALID_PORT', `${p}[0].port`, (ir) => { port(ir, 0, 'http').port = 0; }],
  ['IR_MALFORMED', `${p}[3].kind`, (ir) => { (port(ir, 3, 'tcp') as { kind: string }).kind = 'sctp'; }],
  ['IR_INVALID_HOSTNAME', `${p}[0].listeners[0].hostname`, (ir) => { httpListener(ir, 0).hostname = 'WWW.example.com'; }],
  ['IR_UNSORTED_HOSTNAMES', `${p}[0].listeners[1]`, (ir) => { port(ir, 0, 'http').listeners.reverse(); }],
  ['IR_DUPLICATE_HOSTNAME', `${p}[0].listeners[1].hosts[3]`, (ir) => {
    const hosts = httpListener(ir, 1).hosts;
    assert.ok(hosts[2]);
    hosts.push(structuredClone(hosts[2]));
  }],
  ['IR_DUPLICATE_LISTENER', `${p}[3].listener`, (ir) => { port(ir, 3, 'tcp').listener = listener('dns'); }],
  ['IR_MISSING_CERTIFICATE', `${p}[1].listeners[0].certificates`, (ir) => { tlsListener(ir, 0).certificates = []; }],
  ['IR_PASSTHROUGH_WITH_CERTIFICATE', `${p}[1].listeners[1].certificates`, (ir) => { tlsListener(ir, 1).certificates.push(certificate()); }],
  ['IR_INVALID_TLS_LISTENER', `${p}[1].listeners[1].http`, (ir) => {
    const passthrough = tlsListener(ir, 1);
    delete passthrough.tls;
    passthrough.http = [];
  }],
  ['IR_UNKNOWN_SERVICE', `${p}[3].table.rule.backends[0].service`, (ir) => {
    const backend = port(ir, 3, 'tcp').table?.rule.backends[0];
    assert.ok(backend?.kind === 'Service');
    backend.service = { namespace: 'shop', name: 'gone' };
  }],
  ['IR_ROUTE_KIND_MISMATCH', `${p}[2].table.routes[1].kind`, (ir) => {
    port(ir, 2, 'udp').table?.routes.push({ kind: 'TCPRoute', namespace: 'shop', name: 'other' });
  }],
  ['IR_INVALID_PATH', `${p}[1].listeners[0].http[0].table.matches[0].match.path.value`, (ir) => {
    const entry = tlsListener(ir, 0).http?.[0]?.table.matches[0];
    assert.ok(entry);
    entry.match.path = { type: 'PathPrefix', value: 'no-slash' };
  }],
];

test('the gateway fixture itself is valid', () => {
  assert.deepEqual(validate(gatewayIr()), []);
});

for (const [code, path, breakIt] of cases) {
  test(`${code} at ${path}`, () => {
    const ir = gatewayIr();
    breakIt(ir);
    assert.deepEqual(
      validate(ir).map((problem) => ({ code: problem.code, path: problem.path })),
      [{ code, path }],
    );
  });
}

test('every gateway-only problem code has a case here', () => {
  const covered = new Set(cases.map(([code]) => code));
  assert.deepEqual(GATEWAY_PROBLEM_CODES.filter((code) => !covered.has(code)), []);
});

test('several broken gateway invariants are all reported, the key never quoted', () => {
  const ir = gatewayIr();
  tlsListener(ir, 0).certificates = [{ ...certificate(), certificatePem: '' }];
  tlsListener(ir, 0).mode = 'Sometimes' as 'Terminate';
  httpListener(ir, 1).hosts[0] = { hostname: 'a..example.com', table: { kind: 'tcp' } as never };
  gatewayClass(ir, 1).ports = 'none' as never;
  const problems = validate(ir);
  assert.deepEqual(
    problems.map(({ code, path }) => `${code} ${path}`).sort(),
    [
      `IR_INVALID_HOSTNAME ${p}[0].listeners[1].hosts[0].hostname`,
      `IR_MALFORMED ${p}[0].listeners[1].hosts[0].table.kind`,
      `IR_MALFORMED ${p}[1].listeners[0].mode`,
      'IR_MALFORMED gateways[1].ports',
    ].sort(),
  );
  // A Terminate listener's empty PEM is only judged when the mode is known: fix the mode, see it.
  tlsListener(ir, 0).mode = 'Terminate';
  const again = validate(ir).map(({ code, path }) => `${code} ${path}`);
  assert.ok(again.includes(`IR_MISSING_CERTIFICATE ${p}[1].listeners[0].certificates[0].certificatePem`), again.join('\n'));
  assert.doesNotMatch(JSON.stringify(validate(ir)), /PRIVATE KEY/);
});

test('a gateway list that is not a list, or a class of the wrong shape, is a problem, not an exception', () => {
  const ir = gatewayIr();
  (ir as { gateways: unknown }).gateways = { sidelane: {} };
  assert.deepEqual(validate(ir).map(({ code, path }) => `${code} ${path}`), ['IR_MALFORMED gateways']);
  const other = gatewayIr();
  (other.gateways as unknown[]).push(null);
  assert.ok(validate(other).some((problem) => problem.code === 'IR_MALFORMED' && problem.path === 'gateways[2]'));
});
