// Which application protocol a Service port speaks, from what the user declared: appProtocol
// first (the Kubernetes field meant for it), else the port name's prefix as Istio does
// (`http-web`, `grpc`), else opaque TCP, marked `default` so the proxy knows it may sniff.
import type { AppProtocol, ProtocolSource } from '../ir/index.js';

const BY_APP_PROTOCOL: Record<string, AppProtocol> = {
  http: 'http',
  'kubernetes.io/h2c': 'h2c',
  h2c: 'h2c',
  http2: 'h2c',
  'kubernetes.io/ws': 'ws',
  ws: 'ws',
  grpc: 'grpc',
  'grpc-web': 'http',
  https: 'tls',
  'kubernetes.io/wss': 'tls',
  tls: 'tls',
  tcp: 'tcp',
  udp: 'udp',
  // Opaque protocols a mesh can only forward as bytes.
  mysql: 'tcp',
  mongo: 'tcp',
  redis: 'tcp',
  postgres: 'tcp',
  postgresql: 'tcp',
};

/** Istio's port-name prefixes: `<protocol>` or `<protocol>-<suffix>`. */
const BY_PORT_NAME_PREFIX: Record<string, AppProtocol> = {
  http: 'http',
  http2: 'h2c',
  h2c: 'h2c',
  grpc: 'grpc',
  'grpc-web': 'http',
  ws: 'ws',
  https: 'tls',
  tls: 'tls',
  tcp: 'tcp',
  udp: 'udp',
  mongo: 'tcp',
  mysql: 'tcp',
  redis: 'tcp',
};

/** The transport of a Service or EndpointSlice port; Kubernetes defaults it to TCP. */
export function transportOf(protocol: string | undefined): 'TCP' | 'UDP' | 'SCTP' {
  const p = (protocol ?? 'TCP').toUpperCase();
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
}

export interface PortProtocol {
  protocol: AppProtocol;
  source: ProtocolSource;
  /** Set when appProtocol names something Sidelane does not know (the value is then ignored). */
  unknownAppProtocol?: string;
}

export function portProtocol(port: {
  name?: string;
  appProtocol?: string;
  protocol?: string;
}): PortProtocol {
  const transport = (port.protocol ?? 'TCP').toUpperCase();
  if (transport === 'UDP') return { protocol: 'udp', source: 'default' };
  if (transport === 'SCTP') return { protocol: 'sctp', source: 'default' };

  let unknownAppProtocol: string | undefined;
  if (port.appProtocol) {
    const known = BY_APP_PROTOCOL[port.appProtocol.toLowerCase()];
    if (known) return { protocol: known, source: 'appProtocol' };
    unknownAppProtocol = port.appProtocol;
  }
  const name = (port.name ?? '').toLowerCase();
  if (name) {
    // Longest prefix first so `grpc-web` is not read as `grpc`.
    const prefixes = Object.keys(BY_PORT_NAME_PREFIX).sort((a, b) => b.length - a.length);
    for (const prefix of prefixes) {
      if (name === prefix || name.startsWith(`${prefix}-`)) {
        const protocol = BY_PORT_NAME_PREFIX[prefix];
        if (protocol) return withUnknown({ protocol, source: 'portName' }, unknownAppProtocol);
      }
    }
  }
  return withUnknown({ protocol: 'tcp', source: 'default' }, unknownAppProtocol);
}

function withUnknown(p: PortProtocol, unknownAppProtocol: string | undefined): PortProtocol {
  return unknownAppProtocol === undefined ? p : { ...p, unknownAppProtocol };
}

/** Route kinds in GEP-1294's order of specificity: the first present on a port wins it. */
export const ROUTE_KIND_PRECEDENCE = ['GRPCRoute', 'HTTPRoute', 'TLSRoute', 'TCPRoute'] as const;
export type MeshRouteKind = (typeof ROUTE_KIND_PRECEDENCE)[number];

/**
 * Whether a route kind can carry a port's traffic. A port whose protocol was not declared
 * (`default`) takes whatever route attaches; a declared protocol must fit the route's layer.
 */
export function routeKindFitsPort(kind: MeshRouteKind, protocol: AppProtocol, source: ProtocolSource): boolean {
  if (protocol === 'udp' || protocol === 'sctp') return false;
  if (source === 'default') return true;
  switch (kind) {
    case 'HTTPRoute':
    case 'GRPCRoute':
      return protocol === 'http' || protocol === 'h2c' || protocol === 'grpc' || protocol === 'ws';
    case 'TLSRoute':
      return protocol === 'tls';
    case 'TCPRoute':
      return true;
  }
}
