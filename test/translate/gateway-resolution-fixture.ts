// Hand-built GatewayResolution values for the route-attachment tests: what gateway resolution
// would hand over, without going through Gateway objects (that half is tested on its own).
import type { RouteKind } from '../../src/ir/index.js';
import type { GatewayResolution, ResolvedGateway, ResolvedListener } from '../../src/translate/gateway-model.js';
import { gatewayKey } from '../../src/translate/gateway-model.js';

const KINDS_OF_PROTOCOL: Record<string, RouteKind[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};

export interface ListenerSpec {
  name: string;
  port: number;
  protocol: string;
  hostname?: string;
  /** Namespaces routes may come from; default all. */
  namespaces?: string[];
  kinds?: RouteKind[];
  attachable?: boolean;
  programmed?: boolean;
  tlsMode?: 'Terminate' | 'Passthrough';
}

export function gateway(
  namespace: string,
  name: string,
  listeners: ListenerSpec[],
  extra: Partial<Pick<ResolvedGateway, 'className' | 'createdAt' | 'accepted'>> = {},
): ResolvedGateway {
  const ref = { namespace, name };
  return {
    ref,
    className: extra.className ?? 'public',
    generation: 1,
    createdAt: extra.createdAt ?? '2024-01-01T00:00:00Z',
    accepted: extra.accepted ?? true,
    listeners: listeners.map((spec, index): ResolvedListener => {
      const attachable = spec.attachable ?? true;
      const listener: ResolvedListener = {
        ref: { gateway: ref, name: spec.name },
        index,
        port: spec.port,
        protocol: spec.protocol,
        certificates:
          spec.protocol === 'HTTPS' || spec.tlsMode === 'Terminate'
            ? [{ namespace, name: `${spec.name}-cert`, certificatePem: 'CERT', privateKeyPem: 'KEY' }]
            : [],
        kinds: spec.kinds ?? KINDS_OF_PROTOCOL[spec.protocol] ?? [],
        allowsNamespace: (ns) => spec.namespaces === undefined || spec.namespaces.includes(ns),
        attachable,
        programmed: spec.programmed ?? attachable,
      };
      if (spec.hostname !== undefined) listener.hostname = spec.hostname;
      if (spec.tlsMode !== undefined) listener.tlsMode = spec.tlsMode;
      return listener;
    }),
  };
}

export function resolution(gateways: ResolvedGateway[], classes = ['public']): GatewayResolution {
  return {
    classes: classes.map((name) => ({ name, generation: 1, accepted: true })),
    gateways: new Map(gateways.map((g) => [gatewayKey(g.ref), g])),
  };
}
