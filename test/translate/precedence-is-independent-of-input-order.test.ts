// Routes merged on one Service port must come out in the spec's precedence order whatever order
// the API server (or a directory listing) hands them over in: never last-writer-wins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { V1Service } from '@kubernetes/client-node';
import type { HTTPRoute } from '../../src/api/gateway/index.js';
import { emptySnapshot, translate } from '../../src/translate/index.js';
import { compareHttpSpecificity } from '../../src/translate/precedence.js';
import type { HttpMatchIR, HttpRouteTable } from '../../src/ir/index.js';

const service: V1Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'app' },
  spec: { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] },
};

interface MatchSpec {
  pathType: 'Exact' | 'PathPrefix';
  path: string;
  method?: 'GET' | 'POST';
  headers: number;
  queries: number;
}

const matchSpec: fc.Arbitrary<MatchSpec> = fc.record({
  pathType: fc.constantFrom('Exact' as const, 'PathPrefix' as const),
  path: fc.constantFrom('/', '/a', '/a/b', '/abc', '/a/b/c'),
  method: fc.option(fc.constantFrom('GET' as const, 'POST' as const), { nil: undefined }),
  headers: fc.integer({ min: 0, max: 2 }),
  queries: fc.integer({ min: 0, max: 2 }),
});

function route(name: string, created: string, matches: MatchSpec[]): HTTPRoute {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'app', creationTimestamp: created as unknown as Date },
    spec: {
      parentRefs: [{ group: '', kind: 'Service', name: 'web', port: 80 }],
      rules: [
        {
          matches: matches.map((m) => ({
            path: { type: m.pathType, value: m.path },
            ...(m.method ? { method: m.method } : {}),
            headers: Array.from({ length: m.headers }, (_, i) => ({ type: 'Exact' as const, name: `h${i}`, value: 'v' })),
            queryParams: Array.from({ length: m.queries }, (_, i) => ({ type: 'Exact' as const, name: `q${i}`, value: 'v' })),
          })),
          backendRefs: [{ name: 'web', port: 80 }],
        },
      ],
    },
  };
}

function tableOf(routes: HTTPRoute[]): HttpRouteTable {
  const snapshot = { ...emptySnapshot(), services: [service], httpRoutes: routes };
  const table = translate(snapshot).ir.services[0]?.ports[0]?.producer;
  assert.ok(table && table.kind === 'http');
  return table;
}

const routesArb = fc
  .array(fc.array(matchSpec, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 })
  .chain((matchLists) =>
    fc.tuple(
      fc.constant(matchLists),
      fc.array(fc.constantFrom('2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z'), {
        minLength: matchLists.length,
        maxLength: matchLists.length,
      }),
    ),
  )
  .map(([matchLists, times]) => matchLists.map((m, i) => route(`r${i}`, times[i] ?? '', m)));

test('the merged table is the same whatever order the routes arrive in', () => {
  fc.assert(
    fc.property(routesArb, fc.infiniteStream(fc.nat()), (routes, seeds) => {
      const shuffled = [...routes].sort(() => (seeds.next().value % 3) - 1);
      assert.deepEqual(tableOf(shuffled), tableOf(routes));
    }),
    { numRuns: 150 },
  );
});

test('no match entry is less specific than one after it (spec precedence)', () => {
  fc.assert(
    fc.property(routesArb, (routes) => {
      const entries: HttpMatchIR[] = tableOf(routes).matches.map((e) => e.match);
      for (let i = 1; i < entries.length; i++) {
        const earlier = entries[i - 1];
        const later = entries[i];
        assert.ok(earlier && later);
        assert.ok(compareHttpSpecificity(earlier, later) <= 0, `entry ${i - 1} is less specific than entry ${i}`);
      }
    }),
    { numRuns: 150 },
  );
});

test('the precedence criteria apply in the spec order', () => {
  const m = (path: MatchSpec['path'], pathType: MatchSpec['pathType'], extra: Partial<MatchSpec> = {}): MatchSpec => ({
    path,
    pathType,
    headers: 0,
    queries: 0,
    ...extra,
  });
  // Each row: the first match must win over the second although it is in a younger route.
  const rows: [string, MatchSpec, MatchSpec][] = [
    ['exact beats a longer prefix', m('/a', 'Exact'), m('/a/b/c', 'PathPrefix')],
    ['longer prefix beats a method', m('/a/b', 'PathPrefix'), m('/a', 'PathPrefix', { method: 'GET', headers: 2 })],
    ['method beats headers', m('/a', 'PathPrefix', { method: 'POST' }), m('/a', 'PathPrefix', { headers: 2 })],
    ['more headers beat more query params', m('/a', 'PathPrefix', { headers: 1 }), m('/a', 'PathPrefix', { queries: 2 })],
    ['more query params beat fewer', m('/a', 'PathPrefix', { queries: 2 }), m('/a', 'PathPrefix', { queries: 1 })],
  ];
  for (const [why, winner, loser] of rows) {
    const table = tableOf([route('old', '2024-01-01T00:00:00Z', [loser]), route('young', '2024-06-01T00:00:00Z', [winner])]);
    const first = table.matches[0];
    assert.ok(first);
    assert.equal(table.rules[first.rule]?.id.route.name, 'young', why);
  }
});

test('on equal specificity the oldest route wins, then namespace/name', () => {
  const same: MatchSpec = { path: '/a', pathType: 'PathPrefix', headers: 0, queries: 0 };
  const byAge = tableOf([route('b', '2024-06-01T00:00:00Z', [same]), route('a-young', '2025-01-01T00:00:00Z', [same]), route('z-old', '2024-01-01T00:00:00Z', [same])]);
  assert.deepEqual(
    byAge.matches.map((e) => byAge.rules[e.rule]?.id.route.name),
    ['z-old', 'b', 'a-young'],
  );
  const byName = tableOf([route('b', '2024-01-01T00:00:00Z', [same]), route('a', '2024-01-01T00:00:00Z', [same])]);
  assert.deepEqual(
    byName.matches.map((e) => byName.rules[e.rule]?.id.route.name),
    ['a', 'b'],
  );
});
