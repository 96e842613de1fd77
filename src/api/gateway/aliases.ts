// Names for the inner Gateway API types, named after their upstream Go types. The generated
// types inline nested objects, so these are indexed-access views of them and can never drift.
import type {
  Gateway,
  GRPCRoute,
  HTTPRoute,
  ReferenceGrant,
  TCPRoute,
  TLSRoute,
  UDPRoute,
} from './generated.js';

/** Element type of an optional array property. */
type Item<T> = NonNullable<T> extends readonly (infer E)[] ? E : never;

// HTTPRoute
export type ParentReference = Item<HTTPRoute['spec']['parentRefs']>;
export type HTTPRouteRule = Item<HTTPRoute['spec']['rules']>;
export type HTTPRouteMatch = Item<HTTPRouteRule['matches']>;
export type HTTPPathMatch = NonNullable<HTTPRouteMatch['path']>;
export type HTTPHeaderMatch = Item<HTTPRouteMatch['headers']>;
export type HTTPQueryParamMatch = Item<HTTPRouteMatch['queryParams']>;
export type HTTPRouteFilter = Item<HTTPRouteRule['filters']>;
export type HTTPRouteFilterType = HTTPRouteFilter['type'];
export type HTTPBackendRef = Item<HTTPRouteRule['backendRefs']>;
/** The shape of both RequestHeaderModifier and ResponseHeaderModifier. */
export type HTTPHeaderFilter = NonNullable<HTTPRouteFilter['requestHeaderModifier']>;
export type HTTPHeader = Item<HTTPHeaderFilter['set']>;
export type HTTPRequestRedirectFilter = NonNullable<HTTPRouteFilter['requestRedirect']>;
export type HTTPURLRewriteFilter = NonNullable<HTTPRouteFilter['urlRewrite']>;
/** Used by both URLRewrite.path and RequestRedirect.path. */
export type HTTPPathModifier = NonNullable<HTTPURLRewriteFilter['path']>;
export type HTTPRequestMirrorFilter = NonNullable<HTTPRouteFilter['requestMirror']>;
export type HTTPCORSFilter = NonNullable<HTTPRouteFilter['cors']>;
export type HTTPExternalAuthFilter = NonNullable<HTTPRouteFilter['externalAuth']>;
export type LocalObjectReference = NonNullable<HTTPRouteFilter['extensionRef']>;
export type HTTPRouteTimeouts = NonNullable<HTTPRouteRule['timeouts']>;
export type HTTPRouteRetry = NonNullable<HTTPRouteRule['retry']>;
export type SessionPersistence = NonNullable<HTTPRouteRule['sessionPersistence']>;

// GRPCRoute
export type GRPCRouteRule = Item<GRPCRoute['spec']['rules']>;
export type GRPCRouteMatch = Item<GRPCRouteRule['matches']>;
export type GRPCMethodMatch = NonNullable<GRPCRouteMatch['method']>;
export type GRPCHeaderMatch = Item<GRPCRouteMatch['headers']>;
export type GRPCRouteFilter = Item<GRPCRouteRule['filters']>;
export type GRPCBackendRef = Item<GRPCRouteRule['backendRefs']>;

// TCPRoute, TLSRoute, UDPRoute
export type TCPRouteRule = Item<TCPRoute['spec']['rules']>;
export type TLSRouteRule = Item<TLSRoute['spec']['rules']>;
export type UDPRouteRule = Item<UDPRoute['spec']['rules']>;
/** A plain (filterless) backendRef, as used by TCP/TLS/UDP rules. */
export type BackendRef = Item<TCPRouteRule['backendRefs']>;

// ReferenceGrant
export type ReferenceGrantFrom = Item<ReferenceGrant['spec']['from']>;
export type ReferenceGrantTo = Item<ReferenceGrant['spec']['to']>;

// Gateway
export type Listener = Item<Gateway['spec']['listeners']>;
export type AllowedRoutes = NonNullable<Listener['allowedRoutes']>;
export type GatewayTLSConfig = NonNullable<Listener['tls']>;

// Status
export type RouteStatus = NonNullable<HTTPRoute['status']>;
export type RouteParentStatus = Item<RouteStatus['parents']>;
export type Condition = Item<RouteParentStatus['conditions']>;

export type AnyRoute = HTTPRoute | GRPCRoute | TCPRoute | TLSRoute | UDPRoute;
