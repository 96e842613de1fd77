// MeshIR.gateways from settled routes: listeners of several Gateways merged per port, hosts per
// effective hostname in precedence order, HTTPS terminated with ALPN h2, TLS passthrough by SNI,
// TCP and UDP to one route, listeners without routes kept, and nothing from unprogrammed ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import type { HTTPRoute, TLSRoute, UDPRoute } from '../../src/api/gateway/index.js';
import { validate, type GatewayPortIR } from '../../src/ir/index.js';
import type { GatewayResolution } from '../../src/translate/gateway-model.js';
import { bindGatewayParent } from '../../src/translate/gateway-parents.js';
import { buildGatewayClasses } from '../../src/translate/gateway-ports.js';
import { settleGatewayRoutes } from '../../src/translate/gateway-route-attach.js';
import { translateHttpRoute } from '../../src/translate/httproute.js';
import { translateTlsRoute, translateUdpRoute } from '../../src/translate/l4route.js';
import type { ParentRefInput, TranslatedRoute } from '../../src/translate/routeview.js';
import { gateway, resolution } from './gateway-resolution-fixture.js';

const services = new Map<string, V1Service>([
  ['app/web', { metadata: { name: 'web', namespace: 'app' }, spec: { ports: [{ port: 80 }, { port: 443 }, { port: 53, protocol: 'UDP' }] } }],
]);

function http(name: string, parentRefs: ParentRefInput[], hostnames: string[] = []): TranslatedRoute {
  const route: HTTPRoute = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'app' },
    spec: { parentRefs, hostnames, rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
  };
  return translateHttpRoute(route, { services });
}

function tls(name: string, parentRefs: ParentRefInput[], hostnames: string[]): TranslatedRoute {
  const route: TLSRoute = {
    apiVersion: 'gateway.networking.k8s.io/v1alpha2',
    kind: 'TLSRoute',
    metadata: { name, namespace: 'app' },
    spec: { parentRefs, hostnames, rules: [{ backendRefs: [{ name: 'web', port: 443 }] }] },
  };
  return translateTlsRoute(route, { services });
}

function udp(name: string, parentRefs: ParentRefInput[]): TranslatedRoute {
  const route: UDPRoute = {
    apiVersion: 'gateway.networking.k8s.io/v1alpha2',
    kind: 'UDPRoute',
    metadata: { name, namespace: 'app' },
    spec: { parentRefs, rules: [{ backendRefs: [{ name: 'web', port: 53 }] }] },
  };
  return translateUdpRoute(route, { services });
}

function ports(world: GatewayResolution, routes: TranslatedRoute[]): GatewayPortIR[] {
  const settled = settleGatewayRoutes(
    routes.map((route) => ({ route, bindings: route.view.parentRefs.map((ref) => bindGatewayParent(route.view, ref, world)) })),
  );
  const classes = buildGatewayClasses(world, settled.served);
  assert.equal(classes.length, 1);
  return classes[0]?.ports ?? [];
}

const a = gateway('team-a', 'a', [
  { name: 'http', port: 80, protocol: 'HTTP', hostname: 'a.example.com' },
  { name: 'https', port: 443, protocol: 'HTTPS', hostname: '*.example.com' },
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'unready', port: 8080, protocol: 'HTTP', programmed: false },
]);
const b = gateway(
  'team-b',
  'b',
  [
    { name: 'http', port: 80, protocol: 'HTTP' },
    { name: 'tls', port: 443, protocol: 'TLS', hostname: 'db.example.org', tlsMode: 'Passthrough' },
    { name: 'idle', port: 9000, protocol: 'TCP' },
  ],
  { createdAt: '2024-02-01T00:00:00Z' },
);
const world = resolution([a, b]);

test('listeners of two Gateways share ports, each in hostname precedence order', () => {
  const out = ports(world, [
    http('wild', [{ name: 'a', namespace: 'team-a' }], ['*.example.com']),
    http('any', [{ name: 'b', namespace: 'team-b', sectionName: 'http' }]),
    tls('db', [{ name: 'b', namespace: 'team-b', sectionName: 'tls' }], ['db.example.org']),
    udp('dns', [{ name: 'a', namespace: 'team-a', sectionName: 'dns' }]),
  ]);
  assert.deepEqual(
    out.map((p) => `${p.port}/${p.kind}`),
    ['53/udp', '80/http', '443/tls', '9000/tcp'],
  );
  const [dns, web, secure, idle] = out;
  assert.ok(web?.kind === 'http' && secure?.kind === 'tls' && dns?.kind === 'udp' && idle?.kind === 'tcp');
  assert.deepEqual(web.listeners.map((l) => [l.listener.gateway.name, l.hostname, l.hosts.map((h) => h.hostname)]), [
    ['a', 'a.example.com', ['a.example.com']],
    ['b', '*', ['*']],
  ]);
  assert.deepEqual(
    secure.listeners.map((l) => [l.listener.name, l.mode, l.alpn, l.certificates.length, l.http?.map((h) => h.hostname), l.tls?.rules.map((r) => r.sniHosts)]),
    [
      ['tls', 'Passthrough', [], 0, undefined, [['db.example.org']]],
      ['https', 'Terminate', ['h2', 'http/1.1'], 1, ['*.example.com'], undefined],
    ],
  );
  assert.deepEqual(dns.table?.rule.backends, [{ kind: 'Service', service: { namespace: 'app', name: 'web' }, port: 53, weight: 1 }]);
  assert.equal(idle.table, undefined);
});

test('the result passes IR validation', () => {
  const gateways = [{ name: 'public', ports: ports(world, [http('any', [{ name: 'b', namespace: 'team-b' }])]) }];
  const ir = {
    schema: 'sidelane.io/ir/v1alpha1' as const,
    clusterDomain: 'cluster.local',
    services: [],
    endpoints: [],
    gateways,
  };
  // Backends name app/web, which this bare IR does not carry: only those problems are expected.
  const problems = validate(ir).filter((p) => !/web/.test(p.message));
  assert.deepEqual(problems, []);
});
