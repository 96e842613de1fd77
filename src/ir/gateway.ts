// Gateway listeners as the shared gateway deployment serves them (north-south). Per GatewayClass,
// per port: what the port speaks and, behind it, the same route tables the mesh uses. Listeners of
// many Gateways that share a port are merged here; conflicts were settled by the translator, so a
// (port, hostname) pair has exactly one listener.
import type { L4BackendIR } from './backends.js';
import type { RuleRef, RouteRef } from './refs.js';
import type { HttpRouteTable, TcpRouteTable, TlsRouteTable } from './routes.js';
import type { TlsCertificateIR } from './tls.js';

export const GATEWAY_CONTROLLER_NAME = 'sidelane.io/gateway-controller';

export interface GatewayRef {
  namespace: string;
  name: string;
}

/** One listener of one Gateway (`sectionName` is its name). */
export interface ListenerRef {
  gateway: GatewayRef;
  name: string;
}

/**
 * A hostname as the Gateway API writes it, lowercased: `a.example.com`, a wildcard
 * `*.example.com` (one or more labels in front), or `*` for any host.
 */
export type HostnamePattern = string;

/** Routes of one effective hostname (listener ∩ route hostnames) on one listener. */
export interface VirtualHostIR {
  hostname: HostnamePattern;
  table: HttpRouteTable;
}

/** An HTTP listener (plain, or HTTPS after termination). */
export interface HttpListenerIR {
  listener: ListenerRef;
  /** The listener's hostname, or `*` when it has none. */
  hostname: HostnamePattern;
  /**
   * In precedence order: exact names (longest first), wildcards (longest first), then `*`. A request
   * takes the first host whose pattern covers its Host and whose table has a matching rule.
   */
  hosts: VirtualHostIR[];
}

/** A TLS-speaking listener: HTTPS (terminate, then HTTP) or TLS (passthrough, or terminate then TCP). */
export interface TlsListenerIR {
  listener: ListenerRef;
  /** SNI pattern the listener answers: its hostname, or `*` when it has none. */
  hostname: HostnamePattern;
  mode: 'Terminate' | 'Passthrough';
  /** Terminate: the certificates of `certificateRefs`, in order; empty for Passthrough. */
  certificates: TlsCertificateIR[];
  /** HTTPS listeners: the HTTP hosts behind the termination (same precedence as HttpListenerIR). */
  http?: VirtualHostIR[];
  /** TLS listeners: TLSRoute rules chosen by SNI; after termination the plaintext goes to the backend as TCP. */
  tls?: TlsRouteTable;
  /** ALPN protocols offered after termination: HTTPS offers ['h2', 'http/1.1']. */
  alpn: string[];
}

export interface UdpRuleIR {
  id: RuleRef;
  backends: L4BackendIR[];
}

export interface UdpRouteTable {
  kind: 'udp';
  routes: RouteRef[];
  rule: UdpRuleIR;
}

export type GatewayPortIR =
  | {
      port: number;
      kind: 'http';
      /** In precedence order of `hostname` (exact longest first, wildcards longest first, then `*`). */
      listeners: HttpListenerIR[];
    }
  | {
      port: number;
      kind: 'tls';
      /** HTTPS and TLS listeners, in precedence order of `hostname`, as for HTTP. */
      listeners: TlsListenerIR[];
    }
  | { port: number; kind: 'tcp'; listener: ListenerRef; table?: TcpRouteTable }
  | { port: number; kind: 'udp'; listener: ListenerRef; table?: UdpRouteTable };

export interface GatewayClassIR {
  /** The GatewayClass name: the gateway deployment serving it asks for this. */
  name: string;
  /** Sorted by port, then kind ('udp' sorts after the TCP-borne kinds). */
  ports: GatewayPortIR[];
  /** From the class's parametersRef (a ConfigMap key `udpIdleTimeout`); the proxy's default otherwise. */
  udpIdleTimeoutMs?: number;
}
