// A small valid mesh with a gateway class of every port kind (HTTP with virtual hosts, HTTPS and
// TLS passthrough on one port, TCP, UDP) and a second class, for the gateway IR tests: each test
// breaks or shuffles a fresh copy.
import {
  IR_SCHEMA,
  type GatewayClassIR,
  type HttpRouteTable,
  type ListenerRef,
  type MeshIR,
  type ServiceIR,
  type TlsCertificateIR,
} from '../../src/ir/index.js';

export const PRIVATE_KEY_PEM = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGatewayKeyThatMustNeverBeLoggedxxxxxxxxxxxx\n-----END PRIVATE KEY-----';
export const CERTIFICATE_PEM = '-----BEGIN CERTIFICATE-----\nMIIBgatewayCertificateIsPublic\n-----END CERTIFICATE-----';

const web = { namespace: 'shop', name: 'web' };
const db = { namespace: 'shop', name: 'db' };
const dns = { namespace: 'shop', name: 'dns' };
const gateway = { namespace: 'edge', name: 'public' };

export function listener(name: string): ListenerRef {
  return { gateway, name };
}

export function certificate(): TlsCertificateIR {
  return { namespace: 'edge', name: 'shop-cert', certificatePem: CERTIFICATE_PEM, privateKeyPem: PRIVATE_KEY_PEM };
}

export function httpTable(name = 'web'): HttpRouteTable {
  const route = { kind: 'HTTPRoute', namespace: 'shop', name } as const;
  return {
    kind: 'http',
    routeKind: 'HTTPRoute',
    routes: [route],
    matches: [{ rule: 0, match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] } }],
    rules: [{ id: { route, index: 0 }, filters: [], backends: [{ kind: 'Service', service: web, port: 80, weight: 1, filters: [] }] }],
  };
}

function service(ref: { namespace: string; name: string }, ip: string, port: number, transport: 'TCP' | 'UDP'): ServiceIR {
  return {
    ref,
    type: 'ClusterIP',
    headless: false,
    clusterIPs: [ip],
    hostnames: [ref.name],
    ports: [{ name: 'p', port, transport, targetPort: port, protocol: transport === 'UDP' ? 'udp' : 'tcp', protocolSource: 'default', consumers: [] }],
  };
}

export function gatewayClasses(): GatewayClassIR[] {
  const tlsRoute = { kind: 'TLSRoute', namespace: 'shop', name: 'internal' } as const;
  const tcpRoute = { kind: 'TCPRoute', namespace: 'shop', name: 'db' } as const;
  const udpRoute = { kind: 'UDPRoute', namespace: 'shop', name: 'dns' } as const;
  return [
    {
      name: 'sidelane',
      ports: [
        {
          port: 80,
          kind: 'http',
          listeners: [
            { listener: listener('www'), hostname: 'www.example.com', hosts: [{ hostname: 'www.example.com', table: httpTable() }] },
            {
              listener: listener('http'),
              hostname: '*',
              hosts: [
                { hostname: 'shop.example.com', table: httpTable('shop') },
                { hostname: '*.example.com', table: httpTable('wild') },
                { hostname: '*', table: httpTable('any') },
              ],
            },
          ],
        },
        {
          port: 443,
          kind: 'tls',
          listeners: [
            {
              listener: listener('https'),
              hostname: 'shop.example.com',
              mode: 'Terminate',
              certificates: [certificate()],
              http: [{ hostname: 'shop.example.com', table: httpTable('shop') }],
              alpn: ['h2', 'http/1.1'],
            },
            {
              listener: listener('internal'),
              hostname: '*.internal.example.com',
              mode: 'Passthrough',
              certificates: [],
              tls: {
                kind: 'tls',
                routes: [tlsRoute],
                rules: [{ id: { route: tlsRoute, index: 0 }, sniHosts: ['*.internal.example.com'], backends: [{ kind: 'Service', service: web, port: 80, weight: 1 }] }],
              },
              alpn: [],
            },
          ],
        },
        {
          port: 5353,
          kind: 'udp',
          listener: listener('dns'),
          table: { kind: 'udp', routes: [udpRoute], rule: { id: { route: udpRoute, index: 0 }, backends: [{ kind: 'Service', service: dns, port: 53, weight: 1 }] } },
        },
        {
          port: 5432,
          kind: 'tcp',
          listener: listener('postgres'),
          table: { kind: 'tcp', routes: [tcpRoute], rule: { id: { route: tcpRoute, index: 0 }, backends: [{ kind: 'Service', service: db, port: 5432, weight: 1 }] } },
        },
      ],
    },
    { name: 'zeta', ports: [{ port: 8080, kind: 'tcp', listener: { gateway: { namespace: 'edge', name: 'other' }, name: 'raw' } }], udpIdleTimeoutMs: 30_000 },
  ];
}

export function gatewayIr(): MeshIR {
  return {
    schema: IR_SCHEMA,
    clusterDomain: 'cluster.local',
    services: [service(db, '10.96.0.2', 5432, 'TCP'), service(dns, '10.96.0.3', 53, 'UDP'), service(web, '10.96.0.1', 80, 'TCP')],
    endpoints: [],
    gateways: gatewayClasses(),
  };
}
