// Each invariant of the IR, broken alone in an otherwise valid IR, gives exactly its own problem
// code at the place it was broken. Every code validate() can report has a case here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  GATEWAY_PROBLEM_CODES,
  IR_PROBLEM_CODES,
  IR_SCHEMA,
  validate,
  type HttpRouteTable,
  type IrProblemCode,
  type MeshIR,
  type ServiceIR,
  type TcpRouteTable,
  type TlsRouteTable,
} from '../../src/ir/index.js';

const api = { namespace: 'a', name: 'api' };
const db = { namespace: 'a', name: 'db' };
const httpRoute = { kind: 'HTTPRoute', namespace: 'a', name: 'api' } as const;
const tlsRoute = { kind: 'TLSRoute', namespace: 'a', name: 'api-tls' } as const;
const tcpRoute = { kind: 'TCPRoute', namespace: 'a', name: 'api-pg' } as const;

function httpTable(): HttpRouteTable {
  return {
    kind: 'http',
    routeKind: 'HTTPRoute',
    routes: [httpRoute],
    matches: [
      {
        rule: 0,
        match: {
          path: { type: 'PathPrefix', value: '/v1' },
          method: 'GET',
          headers: [{ type: 'Exact', name: 'x-env', value: 'prod' }],
          queryParams: [{ type: 'Exact', name: 'debug', value: '1' }],
        },
      },
    ],
    rules: [
      {
        id: { route: httpRoute, index: 0 },
        filters: [
          { type: 'URLRewrite', path: { type: 'ReplacePrefixMatch', value: '/' } },
          { type: 'RequestHeaderModifier', set: [{ name: 'x-via', value: 'mesh' }], add: [], remove: ['x-debug'] },
          { type: 'RequestMirror', target: { service: api, port: 80 }, fraction: { numerator: 1, denominator: 2 } },
        ],
        backends: [{ kind: 'Service', service: api, port: 80, weight: 1, filters: [] }],
        timeouts: { requestMs: 5000, backendRequestMs: 1000 },
        retry: { attempts: 1, codes: [503] },
      },
    ],
  };
}

function tlsTable(): TlsRouteTable {
  return {
    kind: 'tls',
    routes: [tlsRoute],
    rules: [{ id: { route: tlsRoute, index: 0 }, sniHosts: ['api.example.com'], backends: [{ kind: 'Service', service: api, port: 443, weight: 1 }] }],
  };
}

function tcpTable(): TcpRouteTable {
  return {
    kind: 'tcp',
    routes: [tcpRoute],
    rule: { id: { route: tcpRoute, index: 0 }, backends: [{ kind: 'Service', service: db, port: 5432, weight: 1 }] },
  };
}

function validIr(): MeshIR {
  return {
    schema: IR_SCHEMA,
    clusterDomain: 'cluster.local',
    services: [
      {
        ref: api,
        type: 'ClusterIP',
        headless: false,
        clusterIPs: ['10.96.0.1'],
        hostnames: ['api', 'api.a', 'api.a.svc', 'api.a.svc.cluster.local'],
        ports: [
          { name: 'http', port: 80, transport: 'TCP', targetPort: 8080, protocol: 'http', protocolSource: 'appProtocol', producer: httpTable(), consumers: [{ namespace: 'team-b', table: httpTable() }] },
          { name: 'tls', port: 443, transport: 'TCP', targetPort: 8443, protocol: 'tls', protocolSource: 'portName', producer: tlsTable(), consumers: [] },
          { name: 'pg', port: 5432, transport: 'TCP', targetPort: 5432, protocol: 'tcp', protocolSource: 'default', producer: tcpTable(), consumers: [] },
        ],
      },
      {
        ref: db,
        type: 'ClusterIP',
        headless: true,
        clusterIPs: [],
        hostnames: ['db', 'db.a', 'db.a.svc', 'db.a.svc.cluster.local'],
        ports: [{ name: '', port: 5432, transport: 'TCP', targetPort: 5432, protocol: 'tcp', protocolSource: 'default', consumers: [] }],
      },
    ],
    endpoints: [
      {
        service: api,
        ports: [
          {
            servicePort: 80,
            transport: 'TCP',
            name: 'http',
            endpoints: [
              { address: '10.0.0.1', port: 8080, ready: true, serving: true, terminating: false },
              { address: '10.0.0.2', port: 8080, ready: false, serving: true, terminating: true, pod: 'api-2' },
            ],
          },
          { servicePort: 443, transport: 'TCP', name: 'tls', endpoints: [{ address: '10.0.0.1', port: 8443, ready: true, serving: true, terminating: false }] },
        ],
      },
    ],
  };
}

// Accessors that fail the test loudly when the fixture does not have the expected shape.
function service(ir: MeshIR, index: number): ServiceIR {
  const found = ir.services[index];
  assert.ok(found, `services[${index}]`);
  return found;
}
function producerHttp(ir: MeshIR): HttpRouteTable {
  const table = service(ir, 0).ports[0]?.producer;
  assert.ok(table?.kind === 'http');
  return table;
}
function firstRule(ir: MeshIR): HttpRouteTable['rules'][number] {
  const rule = producerHttp(ir).rules[0];
  assert.ok(rule);
  return rule;
}
function firstMatch(ir: MeshIR): HttpRouteTable['matches'][number]['match'] {
  const entry = producerHttp(ir).matches[0];
  assert.ok(entry);
  return entry.match;
}
function endpointPort(ir: MeshIR): MeshIR['endpoints'][number]['ports'][number] {
  const port = ir.endpoints[0]?.ports[0];
  assert.ok(port);
  return port;
}

const http = 'services[0].ports[0].producer';

const cases: [IrProblemCode, string, (ir: MeshIR) => void][] = [
  ['IR_UNKNOWN_SCHEMA', 'schema', (ir) => {
    (ir as { schema: string }).schema = 'sidelane.io/ir/v0';
  }],
  ['IR_INVALID_CLUSTER_DOMAIN', 'clusterDomain', (ir) => {
    ir.clusterDomain = 'Cluster.Local';
  }],
  ['IR_MALFORMED', 'services[1].ports', (ir) => {
    (service(ir, 1) as { ports?: unknown }).ports = undefined;
  }],
  ['IR_INVALID_REF', 'services[0].ports[0].consumers[0].namespace', (ir) => {
    const consumer = service(ir, 0).ports[0]?.consumers[0];
    assert.ok(consumer);
    consumer.namespace = '';
  }],
  ['IR_UNSORTED_SERVICES', 'services[1]', (ir) => {
    ir.services.reverse();
  }],
  ['IR_DUPLICATE_SERVICE', 'services[2]', (ir) => {
    ir.services.push(structuredClone(service(ir, 1)));
  }],
  ['IR_UNSORTED_PORTS', 'services[0].ports[1]', (ir) => {
    service(ir, 0).ports.reverse();
  }],
  ['IR_DUPLICATE_PORT', 'services[1].ports[1]', (ir) => {
    const ports = service(ir, 1).ports;
    assert.ok(ports[0]);
    ports.push({ ...structuredClone(ports[0]), name: 'pg' });
  }],
  ['IR_INVALID_PORT', 'endpoints[0].ports[0].endpoints[0].port', (ir) => {
    const endpoint = endpointPort(ir).endpoints[0];
    assert.ok(endpoint);
    endpoint.port = 0;
  }],
  ['IR_HEADLESS_WITH_ROUTES', 'services[1].ports[0]', (ir) => {
    const port = service(ir, 1).ports[0];
    assert.ok(port);
    port.producer = tcpTable();
  }],
  ['IR_UNSORTED_CONSUMERS', 'services[0].ports[0].consumers[1]', (ir) => {
    service(ir, 0).ports[0]?.consumers.push({ namespace: 'team-a', table: httpTable() });
  }],
  ['IR_DUPLICATE_CONSUMER', 'services[0].ports[0].consumers[1]', (ir) => {
    service(ir, 0).ports[0]?.consumers.push({ namespace: 'team-b', table: httpTable() });
  }],
  ['IR_UNSORTED_ENDPOINT_SETS', 'endpoints[1]', (ir) => {
    ir.endpoints.unshift({ service: db, ports: [] });
  }],
  ['IR_DUPLICATE_ENDPOINT_SET', 'endpoints[1]', (ir) => {
    ir.endpoints.push({ service: api, ports: [] });
  }],
  ['IR_UNSORTED_ENDPOINT_PORTS', 'endpoints[0].ports[1]', (ir) => {
    ir.endpoints[0]?.ports.reverse();
  }],
  ['IR_DUPLICATE_ENDPOINT_PORT', 'endpoints[0].ports[2]', (ir) => {
    ir.endpoints[0]?.ports.push({ servicePort: 443, transport: 'TCP', name: 'tls', endpoints: [] });
  }],
  ['IR_UNSORTED_ENDPOINTS', 'endpoints[0].ports[0].endpoints[1]', (ir) => {
    endpointPort(ir).endpoints.reverse();
  }],
  ['IR_DUPLICATE_ENDPOINT', 'endpoints[0].ports[0].endpoints[2]', (ir) => {
    endpointPort(ir).endpoints.push({ address: '10.0.0.2', port: 8080, ready: true, serving: true, terminating: false });
  }],
  ['IR_UNKNOWN_SERVICE', 'endpoints[1].service', (ir) => {
    ir.endpoints.push({ service: { namespace: 'a', name: 'gone' }, ports: [] });
  }],
  ['IR_UNKNOWN_SERVICE_PORT', `${http}.rules[0].backends[0].port`, (ir) => {
    const backend = firstRule(ir).backends[0];
    assert.ok(backend?.kind === 'Service');
    backend.port = 81;
  }],
  ['IR_INVALID_WEIGHT', `${http}.rules[0].backends[0].weight`, (ir) => {
    const backend = firstRule(ir).backends[0];
    assert.ok(backend);
    backend.weight = 0.5;
  }],
  ['IR_ROUTE_KIND_MISMATCH', 'services[0].ports[1].producer.routes[1].kind', (ir) => {
    service(ir, 0).ports[1]?.producer?.routes.push({ kind: 'TCPRoute', namespace: 'a', name: 'other' });
  }],
  ['IR_RULE_FROM_UNLISTED_ROUTE', 'services[0].ports[2].producer.rule.id', (ir) => {
    const table = service(ir, 0).ports[2]?.producer;
    assert.ok(table?.kind === 'tcp');
    table.rule.id = { route: { ...tcpRoute, name: 'elsewhere' }, index: 0 };
  }],
  ['IR_MATCH_RULE_OUT_OF_RANGE', `${http}.matches[1].rule`, (ir) => {
    producerHttp(ir).matches.push({ rule: 1, match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] } });
  }],
  ['IR_GRPC_MATCH_OUTSIDE_GRPC_ROUTE', `${http}.matches[0].match.grpc`, (ir) => {
    firstMatch(ir).grpc = { service: { type: 'Exact', value: 'shop.Cart' } };
  }],
  ['IR_INVALID_PATH', `${http}.matches[0].match.path.value`, (ir) => {
    firstMatch(ir).path = { type: 'PathPrefix', value: 'v1' };
  }],
  ['IR_INVALID_REGEX', `${http}.matches[0].match.queryParams[0].value`, (ir) => {
    firstMatch(ir).queryParams = [{ type: 'RegularExpression', name: 'debug', value: '(?<=x)y' }];
  }],
  ['IR_INVALID_HEADER_NAME', `${http}.rules[0].filters[1].set[0].name`, (ir) => {
    const filter = firstRule(ir).filters[1];
    assert.ok(filter?.type === 'RequestHeaderModifier');
    filter.set = [{ name: 'x via', value: 'mesh' }];
  }],
  ['IR_HEADER_NAME_NOT_LOWERCASE', `${http}.matches[0].match.headers[0].name`, (ir) => {
    firstMatch(ir).headers = [{ type: 'Exact', name: 'X-Env', value: 'prod' }];
  }],
  ['IR_UNSORTED_MATCH_HEADERS', `${http}.matches[0].match.headers[1]`, (ir) => {
    firstMatch(ir).headers.push({ type: 'Exact', name: 'accept', value: 'json' });
  }],
  ['IR_UNSORTED_MATCH_QUERY_PARAMS', `${http}.matches[0].match.queryParams[1]`, (ir) => {
    firstMatch(ir).queryParams.push({ type: 'Exact', name: 'alpha', value: '1' });
  }],
  ['IR_INVALID_REDIRECT_STATUS', `${http}.rules[0].filters[0].statusCode`, (ir) => {
    firstRule(ir).filters[0] = { type: 'RequestRedirect', statusCode: 200 as 301 };
  }],
  ['IR_INVALID_FRACTION', `${http}.rules[0].filters[2].fraction`, (ir) => {
    const filter = firstRule(ir).filters[2];
    assert.ok(filter?.type === 'RequestMirror');
    filter.fraction = { numerator: 3, denominator: 2 };
  }],
  ['IR_REPLACE_PREFIX_WITHOUT_PATH_PREFIX', `${http}.rules[0].filters[0].path`, (ir) => {
    producerHttp(ir).matches.push({ rule: 0, match: { path: { type: 'Exact', value: '/v1' }, headers: [], queryParams: [] } });
  }],
  ['IR_INVALID_TIMEOUT', `${http}.rules[0].timeouts.backendRequestMs`, (ir) => {
    firstRule(ir).timeouts = { requestMs: 1000, backendRequestMs: 5000 };
  }],
  ['IR_INVALID_RETRY', `${http}.rules[0].retry.codes[1]`, (ir) => {
    firstRule(ir).retry = { attempts: 2, codes: [503, 200] };
  }],
  ['IR_INVALID_FAILURE_STATUS', `${http}.rules[0].failure.status`, (ir) => {
    firstRule(ir).failure = { status: 42, code: 'SIDELANE_ERR_NO_ROUTE', message: 'no route' };
  }],
];

test('the fixture itself is valid', () => {
  assert.deepEqual(validate(validIr()), []);
});

for (const [code, path, breakIt] of cases) {
  test(`${code} at ${path}`, () => {
    const ir = validIr();
    breakIt(ir);
    assert.deepEqual(
      validate(ir).map((problem) => ({ code: problem.code, path: problem.path })),
      [{ code, path }],
    );
  });
}

test('every problem code has a case here (gateway-only codes: validate-checks-gateway-invariants)', () => {
  const covered = new Set<string>([...cases.map(([code]) => code), ...GATEWAY_PROBLEM_CODES]);
  assert.deepEqual(
    IR_PROBLEM_CODES.filter((code) => !covered.has(code)),
    [],
  );
});

test('a malformed IR gives problems, not an exception', () => {
  const ir = validIr();
  (ir.services as unknown[]).push(null);
  (ir as { endpoints: unknown }).endpoints = 'none';
  const problems = validate(ir);
  assert.ok(problems.some((problem) => problem.code === 'IR_MALFORMED' && problem.path === 'services[2]'));
  assert.ok(problems.some((problem) => problem.code === 'IR_MALFORMED' && problem.path === 'endpoints'));
});
