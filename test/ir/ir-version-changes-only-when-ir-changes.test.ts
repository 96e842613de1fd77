// irVersion() is a content hash of the canonical IR: the same configuration keeps its version
// (across copies, key order and the order of sorted lists), any change of meaning gets a new one,
// so the config server can skip a push the proxy already has. equal() agrees with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { equal, IR_SCHEMA, irVersion, type HttpRouteTable, type MeshIR } from '../../src/ir/index.js';

const route = { kind: 'HTTPRoute', namespace: 'web', name: 'front' } as const;

function webIr(): MeshIR {
  const table: HttpRouteTable = {
    kind: 'http',
    routeKind: 'HTTPRoute',
    routes: [route],
    matches: [
      { rule: 0, match: { path: { type: 'PathPrefix', value: '/api' }, headers: [], queryParams: [] } },
      { rule: 1, match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] } },
    ],
    rules: [
      {
        id: { route, index: 0 },
        filters: [],
        backends: [{ kind: 'Service', service: { namespace: 'web', name: 'api' }, port: 80, weight: 1, filters: [] }],
      },
      {
        id: { route, index: 1 },
        filters: [],
        backends: [{ kind: 'Service', service: { namespace: 'web', name: 'ui' }, port: 80, weight: 1, filters: [] }],
      },
    ],
  };
  const service = (name: string, ip: string): MeshIR['services'][number] => ({
    ref: { namespace: 'web', name },
    type: 'ClusterIP',
    headless: false,
    clusterIPs: [ip],
    hostnames: [name, `${name}.web`],
    ports: [
      { name: 'http', port: 80, transport: 'TCP', targetPort: 8080, protocol: 'http', protocolSource: 'appProtocol', consumers: [] },
    ],
  });
  const api = service('api', '10.96.0.1');
  const ui = service('ui', '10.96.0.2');
  const uiPort = ui.ports[0];
  assert.ok(uiPort);
  uiPort.producer = table;
  return { schema: IR_SCHEMA, clusterDomain: 'cluster.local', services: [api, ui], endpoints: [] };
}

function uiTable(ir: MeshIR): HttpRouteTable {
  const table = ir.services[1]?.ports[0]?.producer;
  assert.ok(table?.kind === 'http');
  return table;
}

test('the version is a sha256 of the content', () => {
  assert.match(irVersion(webIr()), /^sha256:[0-9a-f]{64}$/);
});

test('an unchanged IR keeps its version, whatever copy or key order', () => {
  const ir = webIr();
  const version = irVersion(ir);
  assert.equal(irVersion(ir), version);
  assert.equal(irVersion(webIr()), version);
  assert.equal(irVersion(structuredClone(ir)), version);
  // Same content, keys inserted in another order (as a decoder might produce).
  const reordered = JSON.parse(JSON.stringify(ir), (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).reverse())
      : value,
  ) as MeshIR;
  assert.equal(irVersion(reordered), version);
  assert.ok(equal(ir, reordered));
});

test('reordering a sorted list keeps the version', () => {
  const ir = webIr();
  const swapped = webIr();
  swapped.services.reverse();
  assert.equal(irVersion(swapped), irVersion(ir));
  assert.ok(equal(swapped, ir));
});

test('an optional field set to undefined is the same as an absent one', () => {
  const ir = webIr();
  const withUndefined = webIr();
  const rule = uiTable(withUndefined).rules[0];
  assert.ok(rule);
  rule.timeouts = undefined;
  assert.equal(irVersion(withUndefined), irVersion(ir));
});

test('any change of meaning changes the version', () => {
  const base = irVersion(webIr());
  const changes: [string, (ir: MeshIR) => void][] = [
    ['a backend weight', (ir) => {
      const backend = uiTable(ir).rules[0]?.backends[0];
      assert.ok(backend);
      backend.weight = 2;
    }],
    ['match precedence', (ir) => {
      uiTable(ir).matches.reverse();
    }],
    ['rule order', (ir) => {
      const table = uiTable(ir);
      table.rules.reverse();
    }],
    ['a new endpoint', (ir) => {
      ir.endpoints.push({
        service: { namespace: 'web', name: 'api' },
        ports: [{ servicePort: 80, transport: 'TCP', name: 'http', endpoints: [{ address: '10.0.0.5', port: 8080, ready: true, serving: true, terminating: false }] }],
      });
    }],
    ['an endpoint becoming unready', (ir) => {
      ir.endpoints.push({
        service: { namespace: 'web', name: 'api' },
        ports: [{ servicePort: 80, transport: 'TCP', name: 'http', endpoints: [{ address: '10.0.0.5', port: 8080, ready: false, serving: true, terminating: false }] }],
      });
    }],
    ['the cluster domain', (ir) => {
      ir.clusterDomain = 'corp.local';
    }],
    ['a ClusterIP', (ir) => {
      const api = ir.services[0];
      assert.ok(api);
      api.clusterIPs = ['10.96.0.9'];
    }],
  ];
  const versions = new Set([base]);
  for (const [what, change] of changes) {
    const ir = webIr();
    change(ir);
    const version = irVersion(ir);
    assert.notEqual(version, base, `${what} must change the version`);
    assert.equal(equal(ir, webIr()), false, `${what} must make the IRs unequal`);
    versions.add(version);
  }
  // Every change gives its own version.
  assert.equal(versions.size, changes.length + 1);
});
