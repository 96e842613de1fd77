// The resources the controller watches: which group, plural and scope each kind has. Core kinds
// are always served; Gateway API kinds come from CRDs, so their version is found by discovery
// (crd-presence.ts) and may be missing altogether.
import type { GatewayKind } from '../../api/gateway/index.js';
import { GATEWAY_GROUP } from '../../api/gateway/index.js';

export interface CoreResource {
  kind: 'Service' | 'EndpointSlice' | 'Namespace' | 'Secret' | 'ConfigMap';
  apiVersion: string;
  plural: string;
  namespaced: boolean;
}

export interface GatewayResource {
  kind: GatewayKind;
  plural: string;
  namespaced: boolean;
}

/** A resource at the version the informer uses. */
export interface ServedResource {
  kind: string;
  apiVersion: string;
  plural: string;
  namespaced: boolean;
}

/** Watched cluster-wide from the start (Secrets and ConfigMaps are watched one by one, when referenced). */
export const CORE_RESOURCES: readonly CoreResource[] = [
  { kind: 'Service', apiVersion: 'v1', plural: 'services', namespaced: true },
  { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', plural: 'endpointslices', namespaced: true },
  { kind: 'Namespace', apiVersion: 'v1', plural: 'namespaces', namespaced: false },
];

export const SECRET_RESOURCE: CoreResource = { kind: 'Secret', apiVersion: 'v1', plural: 'secrets', namespaced: true };
export const CONFIGMAP_RESOURCE: CoreResource = { kind: 'ConfigMap', apiVersion: 'v1', plural: 'configmaps', namespaced: true };

export const GATEWAY_RESOURCES: readonly GatewayResource[] = [
  { kind: 'HTTPRoute', plural: 'httproutes', namespaced: true },
  { kind: 'GRPCRoute', plural: 'grpcroutes', namespaced: true },
  { kind: 'TCPRoute', plural: 'tcproutes', namespaced: true },
  { kind: 'TLSRoute', plural: 'tlsroutes', namespaced: true },
  { kind: 'UDPRoute', plural: 'udproutes', namespaced: true },
  { kind: 'ReferenceGrant', plural: 'referencegrants', namespaced: true },
  { kind: 'Gateway', plural: 'gateways', namespaced: true },
  { kind: 'GatewayClass', plural: 'gatewayclasses', namespaced: false },
];

/** Route kinds: the ones whose status the controller writes. */
export const ROUTE_KINDS: ReadonlySet<string> = new Set(['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute']);

/**
 * Kinds whose status the controller writes: a watch event that changes nothing the translator
 * reads (status only, our own write coming back) needs no translation.
 */
export const STATUS_KINDS: ReadonlySet<string> = new Set([...ROUTE_KINDS, 'Gateway', 'GatewayClass']);

/** `httproutes.gateway.networking.k8s.io`, as CRDs are named. */
export function crdName(resource: GatewayResource): string {
  return `${resource.plural}.${GATEWAY_GROUP}`;
}
