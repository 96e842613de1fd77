// What the translator knows of our GatewayClasses and Gateways after their own checks, before any
// route attaches: the vocabulary shared by gateway resolution (gateways.ts, listener checks and
// Gateway status) and route attachment (gateway-parents.ts, gateway-ports.ts).
import type { GatewayRef, ListenerRef, RouteKind, ServiceRef, TlsCertificateIR } from '../ir/index.js';

export interface GatewayTranslateOptions {
  /** controllerName a GatewayClass must carry to be ours; default GATEWAY_CONTROLLER_NAME. */
  gatewayControllerName: string;
  /**
   * The Service in front of each class's gateway deployment (class name → Service): its
   * LoadBalancer ingress (else its ClusterIPs) becomes the Gateways' status.addresses.
   */
  gatewayServices: Readonly<Record<string, ServiceRef>>;
  /** Addresses to report for every Gateway instead (file mode: where `sidelane run` listens). */
  gatewayAddresses?: readonly { type: 'IPAddress' | 'Hostname'; value: string }[];
}

export interface ResolvedListener {
  ref: ListenerRef;
  /** Position in spec.listeners (status keeps that order). */
  index: number;
  port: number;
  /** As written: HTTP, HTTPS, TLS, TCP, UDP, or something unsupported. */
  protocol: string;
  /** Lowercased; undefined when the listener has none (any host). */
  hostname?: string;
  tlsMode?: 'Terminate' | 'Passthrough';
  /** Terminate: certificates that resolved, in certificateRefs order. */
  certificates: TlsCertificateIR[];
  /** Route kinds the listener accepts: allowedRoutes.kinds ∩ what its protocol carries. */
  kinds: RouteKind[];
  /** allowedRoutes.namespaces decided for a route's namespace (Same, All, Selector on Namespace labels). */
  allowsNamespace: (namespace: string) => boolean;
  /** Routes may attach (the listener is Accepted: supported protocol, not Conflicted). */
  attachable: boolean;
  /** The data plane serves it (attachable, refs resolved, Gateway and class accepted). */
  programmed: boolean;
}

export interface ResolvedGateway {
  ref: GatewayRef;
  className: string;
  generation: number;
  /** RFC 3339; '' when unknown (files): sorts as oldest. Older Gateways win cross-Gateway conflicts. */
  createdAt: string;
  /** The Gateway is Accepted (its class is ours and accepted, no unsupported spec fields). */
  accepted: boolean;
  listeners: ResolvedListener[];
}

export interface ResolvedGatewayClass {
  name: string;
  generation: number;
  accepted: boolean;
  udpIdleTimeoutMs?: number;
}

export interface GatewayResolution {
  /** Classes whose controllerName is ours, sorted by name. */
  classes: ResolvedGatewayClass[];
  /** Gateways whose class is ours (accepted or not), by `namespace/name`. */
  gateways: Map<string, ResolvedGateway>;
}

export function gatewayKey(ref: GatewayRef): string {
  return `${ref.namespace}/${ref.name}`;
}

export function listenerKey(ref: ListenerRef): string {
  return `${ref.gateway.namespace}/${ref.gateway.name}/${ref.name}`;
}
