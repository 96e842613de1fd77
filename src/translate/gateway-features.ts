// The Gateway API features (SupportedFeature names, as of the v1.6 conformance suite) a Sidelane
// GatewayClass claims in its status. Only what the translator and the gateway proxy do: a name
// here is a promise conformance tests may hold us to, so a feature is listed when it is built.
// Left out on purpose: HTTPRouteDestinationPortMatching, HTTPRouteRetryBudget, session
// persistence (translated, not enforced), GatewayStaticAddresses and GatewayAddressEmpty (one
// shared deployment has no per-Gateway addresses), GatewayInfrastructurePropagation (no per-Gateway
// resources), GatewayListenerSet, client certificate validation, BackendTLSPolicy and the
// backend client certificate.
const FEATURES = [
  'Gateway',
  'GatewayHTTPListenerIsolation',
  'GatewayHTTPSListenerDetectMisdirectedRequests',
  'GatewayPort8080',
  'GRPCRoute',
  'GRPCRouteNamedRouteRule',
  'HTTPRoute',
  'HTTPRoute303RedirectStatusCode',
  'HTTPRoute307RedirectStatusCode',
  'HTTPRoute308RedirectStatusCode',
  'HTTPRouteBackendProtocolH2C',
  'HTTPRouteBackendProtocolWebSocket',
  'HTTPRouteBackendRequestHeaderModification',
  'HTTPRouteBackendTimeout',
  'HTTPRouteCORS',
  'HTTPRouteHostRewrite',
  'HTTPRouteMethodMatching',
  'HTTPRouteNamedRouteRule',
  'HTTPRouteParentRefPort',
  'HTTPRoutePathRedirect',
  'HTTPRoutePathRewrite',
  'HTTPRoutePortRedirect',
  'HTTPRouteQueryParamMatching',
  'HTTPRouteRequestMirror',
  'HTTPRouteRequestMultipleMirrors',
  'HTTPRouteRequestPercentageMirror',
  'HTTPRouteRequestTimeout',
  'HTTPRouteResponseHeaderModification',
  'HTTPRouteRetries',
  'HTTPRouteSchemeRedirect',
  'ReferenceGrant',
  'TCPRoute',
  'TLSRoute',
  'TLSRouteModeMixed',
  'TLSRouteModeTerminate',
  'UDPRoute',
] as const;

/** Sorted, as GatewayClassStatusIR wants them. */
export const GATEWAY_SUPPORTED_FEATURES: readonly string[] = [...FEATURES].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
