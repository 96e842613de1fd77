// Public surface of the Gateway API layer: the generated v1 types, named inner types, and the
// API-server-like defaulting and version conversion applied to objects before translation.
export type * from './generated.js';
export type * from './aliases.js';
export {
  applyDefaults,
  applySchemaDefaults,
  GATEWAY_GROUP,
  GATEWAY_KINDS,
  gatewayKindInfo,
  isGatewayKind,
  splitApiVersion,
  type DefaultsNode,
  type GatewayKind,
  type KindInfo,
} from './defaults.js';
export { GATEWAY_API_BUNDLE_VERSION } from './defaults.generated.js';
export {
  normalizeToV1,
  toV1,
  type Converted,
  type ConvertResult,
  type GatewayObject,
  type GatewayObjects,
} from './convert.js';

/** The apiVersion of every object toV1 returns. */
export const GATEWAY_V1 = 'gateway.networking.k8s.io/v1';
