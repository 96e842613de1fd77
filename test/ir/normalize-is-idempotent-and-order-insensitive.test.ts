// normalize() gives one canonical form per configuration: shuffling the lists the IR keeps sorted
// does not change it, applying it twice changes nothing, and the lists whose order is precedence
// (matches, rules, filters, backends) come out exactly as they went in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  canonicalJson,
  IR_SCHEMA,
  normalize,
  serviceKey,
  validate,
  type EndpointSetIR,
  type HttpFilterIR,
  type HttpRouteTable,
  type MeshIR,
  type RouteTable,
  type ServiceIR,
  type ServiceRef,
} from '../../src/ir/index.js';

// --- IRs made by fast-check: valid, but with every sortable list in arbitrary order. ---------

const nameArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,5}[a-z0-9]$/);
const refArb = fc.record({ namespace: fc.constantFrom('a', 'b', 'shop', 'team-x'), name: nameArb });
const headerNameArb = fc.stringMatching(/^x-[a-z]{1,6}$/);

function httpTableArb(route: { namespace: string; name: string }, services: ServiceRef[]): fc.Arbitrary<HttpRouteTable> {
  const routeRef = { kind: 'HTTPRoute' as const, ...route };
  const backendArb = fc.record({
    kind: fc.constant('Service' as const),
    service: fc.constantFrom(...services),
    // Every generated Service has port 80, so backends can always point there.
    port: fc.constant(80),
    weight: fc.integer({ min: 0, max: 100 }),
  }).map((backend) => ({ ...backend, filters: [] as HttpFilterIR[] }));
  return fc.integer({ min: 1, max: 3 }).chain((ruleCount) =>
    fc.record({
      kind: fc.constant('http' as const),
      routeKind: fc.constant('HTTPRoute' as const),
      routes: fc.constant([routeRef]),
      matches: fc
        .array(
          fc.record({
            rule: fc.integer({ min: 0, max: ruleCount - 1 }),
            headers: fc.uniqueArray(fc.record({ type: fc.constant('Exact' as const), name: headerNameArb, value: nameArb }), {
              selector: (header) => header.name,
              maxLength: 4,
            }),
            queryParams: fc.uniqueArray(fc.record({ type: fc.constant('Exact' as const), name: nameArb, value: nameArb }), {
              selector: (param) => param.name,
              maxLength: 3,
            }),
          }),
          { minLength: 1, maxLength: 5 },
        )
        // Distinct paths make the order of match entries visible in the output.
        .map((entries) =>
          entries.map(({ rule, headers, queryParams }, index) => ({
            rule,
            match: { path: { type: 'PathPrefix' as const, value: `/p${index}` }, headers, queryParams },
          })),
        ),
      rules: fc.tuple(
        ...Array.from({ length: ruleCount }, (_, index) =>
          fc.record({
            id: fc.constant({ route: routeRef, index }),
            filters: fc
              .uniqueArray(fc.record({ name: headerNameArb, value: nameArb }), { selector: (header) => header.name, maxLength: 3 })
              .map((set) => [{ type: 'RequestHeaderModifier' as const, set, add: [], remove: [] }]),
            backends: fc.array(backendArb, { minLength: 1, maxLength: 3 }),
          }),
        ),
      ),
    }),
  );
}

function serviceArb(ref: ServiceRef, services: ServiceRef[]): fc.Arbitrary<ServiceIR> {
  const portArb = fc.record({
    port: fc.integer({ min: 81, max: 65535 }),
    transport: fc.constantFrom('TCP' as const, 'UDP' as const),
  });
  return fc.record({
    ref: fc.constant(ref),
    type: fc.constant('ClusterIP' as const),
    headless: fc.constant(false),
    clusterIPs: fc.array(fc.ipV4(), { minLength: 1, maxLength: 2 }),
    hostnames: fc.constant([ref.name, `${ref.name}.${ref.namespace}`]),
    ports: fc
      .tuple(
        fc.uniqueArray(portArb, { selector: (port) => `${port.port}/${port.transport}`, maxLength: 3 }),
        fc.option(httpTableArb({ namespace: ref.namespace, name: `${ref.name}-route` }, services), { nil: undefined }),
        // Consumer routes live in the client's namespace, one table per namespace.
        fc
          .uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 3 })
          .chain((namespaces) =>
            fc.tuple(
              ...namespaces.map((namespace) =>
                httpTableArb({ namespace, name: 'route' }, services).map((table) => ({ namespace, table })),
              ),
            ),
          ),
      )
      .map(([extraPorts, producer, consumers]) => [
        {
          name: 'http',
          port: 80,
          transport: 'TCP' as const,
          targetPort: 8080,
          protocol: 'http' as const,
          protocolSource: 'appProtocol' as const,
          ...(producer === undefined ? {} : { producer }),
          consumers,
        },
        ...extraPorts.map(({ port, transport }) => ({
          name: `p${port}-${transport.toLowerCase()}`,
          port,
          transport,
          targetPort: port,
          protocol: 'tcp' as const,
          protocolSource: 'default' as const,
          consumers: [],
        })),
      ]),
  });
}

function endpointSetArb(ref: ServiceRef): fc.Arbitrary<EndpointSetIR> {
  return fc.record({
    service: fc.constant(ref),
    ports: fc
      .uniqueArray(fc.record({ address: fc.ipV4(), port: fc.integer({ min: 1, max: 65535 }) }), {
        selector: (endpoint) => `${endpoint.address}:${endpoint.port}`,
        maxLength: 5,
      })
      .map((endpoints) => [
        {
          servicePort: 80,
          transport: 'TCP',
          name: 'http',
          endpoints: endpoints.map((endpoint) => ({ ...endpoint, ready: true, serving: true, terminating: false })),
        },
      ]),
  });
}

const meshArb: fc.Arbitrary<MeshIR> = fc
  .uniqueArray(refArb, { selector: serviceKey, minLength: 1, maxLength: 5 })
  .chain((refs) =>
    fc.record({
      schema: fc.constant(IR_SCHEMA),
      clusterDomain: fc.constant('cluster.local'),
      services: fc.tuple(...refs.map((ref) => serviceArb(ref, refs))),
      endpoints: fc.subarray(refs).chain((withEndpoints) => fc.tuple(...withEndpoints.map(endpointSetArb))),
    }),
  );

// --- Shuffling what normalize() is allowed to reorder. --------------------------------------

/** A small seeded PRNG (mulberry32), so every shuffle fast-check finds can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items: unknown[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

function shuffleTable(table: RouteTable, random: () => number): void {
  if (table.kind !== 'http') return;
  for (const { match } of table.matches) {
    shuffle(match.headers, random);
    shuffle(match.queryParams, random);
  }
  for (const rule of table.rules) {
    for (const filter of rule.filters) {
      if (filter.type === 'RequestHeaderModifier') shuffle(filter.set, random);
    }
  }
}

function shuffled(ir: MeshIR, seed: number): MeshIR {
  const random = seededRandom(seed);
  const copy = structuredClone(ir);
  shuffle(copy.services, random);
  for (const service of copy.services) {
    shuffle(service.ports, random);
    for (const port of service.ports) {
      if (port.producer) shuffleTable(port.producer, random);
      shuffle(port.consumers, random);
      for (const consumer of port.consumers) shuffleTable(consumer.table, random);
    }
  }
  shuffle(copy.endpoints, random);
  for (const set of copy.endpoints) {
    shuffle(set.ports, random);
    for (const port of set.ports) shuffle(port.endpoints, random);
  }
  return copy;
}

/** The precedence-carrying order of every HTTP table, keyed by where the table is. */
function precedence(ir: MeshIR): Map<string, string> {
  const orders = new Map<string, string>();
  const record = (where: string, table: RouteTable): void => {
    if (table.kind !== 'http') return;
    orders.set(
      where,
      canonicalJson({
        matches: table.matches.map((entry) => [entry.rule, entry.match.path?.value]),
        rules: table.rules.map((rule) => rule.id.index),
        filters: table.rules.map((rule) => rule.filters.map((filter) => filter.type)),
        backends: table.rules.map((rule) => rule.backends),
      }),
    );
  };
  for (const service of ir.services) {
    for (const port of service.ports) {
      const where = `${serviceKey(service.ref)}:${port.port}/${port.transport}`;
      if (port.producer) record(`${where} producer`, port.producer);
      for (const consumer of port.consumers) record(`${where} consumer ${consumer.namespace}`, consumer.table);
    }
  }
  return orders;
}

// --- Properties. ----------------------------------------------------------------------------

test('shuffling sorted lists does not change the canonical form', () => {
  fc.assert(
    fc.property(meshArb, fc.integer(), (ir, seed) => {
      assert.equal(canonicalJson(normalize(shuffled(ir, seed))), canonicalJson(normalize(ir)));
    }),
  );
});

test('normalize is idempotent', () => {
  fc.assert(
    fc.property(meshArb, (ir) => {
      const once = normalize(ir);
      assert.deepEqual(normalize(once), once);
    }),
  );
});

test('a normalized IR is valid, with its keys in sorted order', () => {
  fc.assert(
    fc.property(meshArb, fc.integer(), (ir, seed) => {
      const normalized = normalize(shuffled(ir, seed));
      assert.deepEqual(validate(normalized), []);
      // Keys are sorted in the object itself, so even plain JSON.stringify is canonical.
      assert.equal(JSON.stringify(normalized), canonicalJson(normalized));
    }),
  );
});

test('match, rule, filter and backend order is kept', () => {
  fc.assert(
    fc.property(meshArb, fc.integer(), (ir, seed) => {
      assert.deepEqual(precedence(normalize(shuffled(ir, seed))), precedence(ir));
    }),
  );
});

test('normalize does not modify its input', () => {
  fc.assert(
    fc.property(meshArb, fc.integer(), (ir, seed) => {
      const input = shuffled(ir, seed);
      const before = structuredClone(input);
      normalize(input);
      assert.deepEqual(input, before);
    }),
  );
});

test('of two header matches with the same name, the first stays first', () => {
  const route = { kind: 'HTTPRoute', namespace: 'a', name: 'r' } as const;
  const ir: MeshIR = {
    schema: IR_SCHEMA,
    clusterDomain: 'cluster.local',
    services: [
      {
        ref: { namespace: 'a', name: 's' },
        type: 'ClusterIP',
        headless: false,
        clusterIPs: ['10.0.0.1'],
        hostnames: ['s'],
        ports: [
          {
            name: 'http',
            port: 80,
            transport: 'TCP',
            targetPort: 80,
            protocol: 'http',
            protocolSource: 'appProtocol',
            producer: {
              kind: 'http',
              routeKind: 'HTTPRoute',
              routes: [route],
              matches: [
                {
                  rule: 0,
                  match: {
                    headers: [
                      { type: 'Exact', name: 'x-b', value: '1' },
                      { type: 'Exact', name: 'x-a', value: 'first' },
                      { type: 'Exact', name: 'x-a', value: 'second' },
                    ],
                    queryParams: [],
                  },
                },
              ],
              rules: [{ id: { route, index: 0 }, filters: [], backends: [] }],
            },
            consumers: [],
          },
        ],
      },
    ],
    endpoints: [],
  };
  const table = normalize(ir).services[0]?.ports[0]?.producer;
  assert.ok(table?.kind === 'http');
  assert.deepEqual(
    table.matches[0]?.match.headers.map((header) => `${header.name}=${header.value}`),
    ['x-a=first', 'x-a=second', 'x-b=1'],
  );
});
