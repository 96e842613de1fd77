// Service frontends: what a client addresses (ClusterIPs, DNS names, ports) and, per port, the
// route tables that decide where its traffic goes. A port with no table behaves as without a mesh.
import type { ServiceRef } from './refs.js';
import type { RouteTable } from './routes.js';

/**
 * Application protocol of a Service port, from `appProtocol`, else the port name's prefix
 * (Istio's convention), else `tcp` with `protocolSource: 'default'` (the proxy may sniff).
 */
export type AppProtocol = 'http' | 'h2c' | 'grpc' | 'ws' | 'tls' | 'tcp' | 'udp' | 'sctp';

export type ProtocolSource = 'appProtocol' | 'portName' | 'default';

export interface ServicePortIR {
  /** Service port name; '' when the Service has one unnamed port. */
  name: string;
  port: number;
  transport: 'TCP' | 'UDP' | 'SCTP';
  targetPort: number | string;
  protocol: AppProtocol;
  protocolSource: ProtocolSource;
  /** Producer routes: routes in the Service's namespace. They apply to every client. */
  producer?: RouteTable;
  /** Consumer routes, one table per client namespace; sorted by namespace. */
  consumers: ConsumerRouteTable[];
}

export interface ConsumerRouteTable {
  /** Clients in this namespace use `table` instead of the producer table. */
  namespace: string;
  table: RouteTable;
}

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface ServiceIR {
  ref: ServiceRef;
  type: ServiceType;
  /** clusterIP: None. Headless Services have no frontend and cannot carry routes. */
  headless: boolean;
  /** The frontend addresses routes are matched by; empty for headless/ExternalName. */
  clusterIPs: string[];
  /** name, name.ns, name.ns.svc, name.ns.svc.<clusterDomain>. */
  hostnames: string[];
  /** Sorted by port, then transport. */
  ports: ServicePortIR[];
}
