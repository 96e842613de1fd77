// A consistent snapshot of the objects the controller watches (or the files `sidelane
// translate/run` load): what the translator reads. Gateway API objects arrive already converted
// to v1 and defaulted as the API server would (src/api/gateway), whatever version they were
// stored in.
import type {
  V1ConfigMap,
  V1EndpointSlice,
  V1Namespace,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import type {
  Gateway,
  GatewayClass,
  GRPCRoute,
  HTTPRoute,
  ReferenceGrant,
  TCPRoute,
  TLSRoute,
  UDPRoute,
} from './gateway/index.js';

export interface ClusterSnapshot {
  services: V1Service[];
  endpointSlices: V1EndpointSlice[];
  namespaces: V1Namespace[];
  httpRoutes: HTTPRoute[];
  grpcRoutes: GRPCRoute[];
  tcpRoutes: TCPRoute[];
  tlsRoutes: TLSRoute[];
  udpRoutes: UDPRoute[];
  referenceGrants: ReferenceGrant[];
  gateways: Gateway[];
  gatewayClasses: GatewayClass[];
  secrets: V1Secret[];
  /** Read only where a GatewayClass parametersRef points (src/translate/gateway-class.ts). */
  configMaps: V1ConfigMap[];
}

export function emptySnapshot(): ClusterSnapshot {
  return {
    services: [],
    endpointSlices: [],
    namespaces: [],
    httpRoutes: [],
    grpcRoutes: [],
    tcpRoutes: [],
    tlsRoutes: [],
    udpRoutes: [],
    referenceGrants: [],
    gateways: [],
    gatewayClasses: [],
    secrets: [],
    configMaps: [],
  };
}
