// Why each GatewayClass, Gateway and listener of ours resolved as it did: the reasons and messages
// that resolution finds and status reports. Internal to gateway resolution (gateways.ts); routes
// see only the decisions (gateway-model.ts).
import type { GatewayRef, RouteKind, TlsCertificateIR } from '../ir/index.js';
import type { ResolvedGatewayClass } from './gateway-model.js';

/** Reasons named by the Gateway API (GatewayClass, Gateway and Listener condition reasons). */
export const GatewayReason = {
  Accepted: 'Accepted',
  InvalidParameters: 'InvalidParameters',
  Invalid: 'Invalid',
  UnsupportedAddress: 'UnsupportedAddress',
  ListenersNotValid: 'ListenersNotValid',
  Programmed: 'Programmed',
  AddressNotAssigned: 'AddressNotAssigned',
  PortUnavailable: 'PortUnavailable',
  UnsupportedProtocol: 'UnsupportedProtocol',
  UnsupportedValue: 'UnsupportedValue',
  HostnameConflict: 'HostnameConflict',
  ProtocolConflict: 'ProtocolConflict',
  NoConflicts: 'NoConflicts',
  ResolvedRefs: 'ResolvedRefs',
  InvalidCertificateRef: 'InvalidCertificateRef',
  InvalidRouteKinds: 'InvalidRouteKinds',
  RefNotPermitted: 'RefNotPermitted',
  OverlappingHostnames: 'OverlappingHostnames',
} as const;

/** A yes/no decision with the reason and message status reports for it. */
export interface Verdict {
  ok: boolean;
  reason: string;
  message: string;
}

/**
 * What a listener's port is taken by, for conflict checks. `http` (HTTP), `tls` (HTTPS and TLS,
 * told apart by SNI) and `tcp` share the TCP port space; `udp` has its own.
 */
export type PortFamily = 'http' | 'tls' | 'tcp' | 'udp';

export interface ListenerFinding {
  gateway: GatewayRef;
  name: string;
  index: number;
  port: number;
  /** Canonical (upper case) for the core protocols, else as written. */
  protocol: string;
  /** Undefined when the protocol is not one Sidelane serves. */
  family?: PortFamily;
  hostname?: string;
  tlsMode?: 'Terminate' | 'Passthrough';
  /** The listener's own checks (protocol, TLS mode, hostname, allowedRoutes), before conflicts. */
  accepted: Verdict;
  /** Said in the Accepted message: fields read differently from how they were written. */
  notes: string[];
  conflict?: { reason: string; message: string };
  /** Certificate refs and route kinds. */
  refs: Verdict;
  certificates: TlsCertificateIR[];
  kinds: RouteKind[];
  allowsNamespace: (namespace: string) => boolean;
  /** OverlappingTLSConfig (negative polarity: only set when true). */
  overlap?: string;
}

export interface GatewayFinding {
  ref: GatewayRef;
  className: string;
  generation: number;
  createdAt: string;
  /** Gateway-level checks only (class, addresses, parameters); listeners are judged apart. */
  accepted: Verdict;
  notes: string[];
  listeners: ListenerFinding[];
}

export interface ClassFinding {
  resolved: ResolvedGatewayClass;
  accepted: Verdict;
}

export function verdictOk(reason: string, message: string): Verdict {
  return { ok: true, reason, message };
}

export function verdictFail(reason: string, message: string): Verdict {
  return { ok: false, reason, message };
}

/** How a listener is named in messages shown to the owner of `viewer`. */
export function describeListener(listener: { gateway: GatewayRef; name: string }, viewer: GatewayRef): string {
  if (listener.gateway.namespace === viewer.namespace && listener.gateway.name === viewer.name) {
    return `listener ${listener.name}`;
  }
  // GEP-1713: conditions should not expose other users' objects; a Gateway in another namespace is
  // described, not named.
  if (listener.gateway.namespace !== viewer.namespace) return 'a listener of a Gateway in another namespace';
  return `listener ${listener.name} of Gateway ${listener.gateway.namespace}/${listener.gateway.name}`;
}
