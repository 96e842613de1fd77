// TLSRoute rule choice by SNI: exact name, then the longest wildcard suffix (one or more labels),
// then a rule without hostnames; case-insensitive; no SNI only reaches the catch-all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TlsRouteTable, TlsRuleIR } from '../../../src/ir/index.js';
import { chooseSni } from '../../../sidecar/route/sni.js';

const route = { kind: 'TLSRoute' as const, namespace: 'edge', name: 'tls' };
const rule = (index: number, sniHosts: string[]): TlsRuleIR => ({ id: { route, index }, sniHosts, backends: [] });

const table: TlsRouteTable = {
  kind: 'tls',
  routes: [route],
  // Deliberately not in specificity order: the choice must not depend on it.
  rules: [rule(0, []), rule(1, ['*.example.com']), rule(2, ['*.api.example.com']), rule(3, ['www.example.com', 'example.org'])],
};

test('an exact name wins over wildcards', () => {
  assert.deepEqual(chooseSni(table, 'www.example.com')?.by, { kind: 'exact', host: 'www.example.com' });
  assert.equal(chooseSni(table, 'example.org')?.index, 3);
});

test('the longest matching wildcard wins', () => {
  assert.equal(chooseSni(table, 'v1.api.example.com')?.index, 2);
  assert.equal(chooseSni(table, 'shop.example.com')?.index, 1);
});

test('a wildcard matches one or more labels, but not the bare domain', () => {
  const onlyWildcard: TlsRouteTable = { kind: 'tls', routes: [route], rules: [rule(0, ['*.example.com'])] };
  assert.equal(chooseSni(onlyWildcard, 'a.example.com')?.index, 0);
  assert.equal(chooseSni(onlyWildcard, 'a.b.example.com')?.index, 0);
  assert.equal(chooseSni(onlyWildcard, 'example.com'), undefined);
  assert.equal(chooseSni(onlyWildcard, 'notexample.com'), undefined);
});

test('names compare case-insensitively and ignore a trailing dot', () => {
  assert.equal(chooseSni(table, 'WWW.Example.COM.')?.index, 3);
});

test('anything else falls to the rule without hostnames, including no SNI', () => {
  assert.deepEqual(chooseSni(table, 'other.net')?.by, { kind: 'any' });
  assert.equal(chooseSni(table, '')?.index, 0);
  const noCatchAll: TlsRouteTable = { kind: 'tls', routes: [route], rules: [rule(0, ['a.example.com'])] };
  assert.equal(chooseSni(noCatchAll, ''), undefined);
});
