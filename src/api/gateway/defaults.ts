// Applies the CRD schemas' `default:` values the way the API server does for structural schemas
// (k8s.io/apiextensions-apiserver .../schema/defaulting: absent properties get their default, then
// recursion into properties, additionalProperties and array items, including defaulted values).
import { KIND_INFO } from './defaults.generated.js';

/** A schema node pruned to what matters for defaulting (see scripts/gen-gateway-api-types.ts). */
export interface DefaultsNode {
  readonly default?: unknown;
  /** The schema allows null here, so an explicit null is kept instead of being defaulted. */
  readonly nullable?: true;
  readonly properties?: Readonly<Record<string, DefaultsNode>>;
  readonly items?: DefaultsNode;
  readonly additionalProperties?: DefaultsNode;
}

export interface KindInfo {
  readonly scope: 'Namespaced' | 'Cluster';
  /** The version src/api/gateway/generated.ts describes and toV1 produces. */
  readonly typedVersion: string;
  readonly servedVersions: readonly string[];
  readonly defaults: Readonly<Record<string, DefaultsNode>>;
}

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export type GatewayKind = keyof typeof KIND_INFO;

export const GATEWAY_KINDS = Object.keys(KIND_INFO) as GatewayKind[];

export function isGatewayKind(kind: unknown): kind is GatewayKind {
  return typeof kind === 'string' && Object.hasOwn(KIND_INFO, kind);
}

export function gatewayKindInfo(kind: GatewayKind): KindInfo {
  return KIND_INFO[kind];
}

/** Splits `group/version` (core objects have no group: `v1`). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy of JSON-like data; anything else (which YAML/JSON input cannot produce) is shared. */
export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => deepCopy(v)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
    return out as T;
  }
  return value;
}

/** Defaults `value` in place against `node`; mirrors defaulting.Default in the API server. */
function defaultInPlace(value: unknown, node: DefaultsNode | undefined): void {
  if (node === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) defaultInPlace(item, node.items);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, prop] of Object.entries(node.properties ?? {})) {
    if (prop.default === undefined) continue;
    const current = value[key];
    // An explicit null in a non-nullable field counts as absent, as in the API server.
    if (!Object.hasOwn(value, key) || (current === null && !prop.nullable)) {
      value[key] = deepCopy(prop.default);
    }
  }
  // Recurse after defaulting, so defaults nested inside a defaulted value also apply.
  for (const [key, child] of Object.entries(value)) {
    // Structural schemas never have both properties and additionalProperties, so the fallback
    // cannot misapply even though the pruned tree omits default-free properties.
    const prop = node.properties?.[key] ?? node.additionalProperties;
    defaultInPlace(child, prop);
  }
}

/** Defaults `value` as an instance of the schema `node`; returns a copy, never mutates input. */
export function applySchemaDefaults<T>(value: T, node: DefaultsNode): T {
  const copy = deepCopy(value);
  defaultInPlace(copy, node);
  return copy;
}

/**
 * Returns a defaulted deep copy of a Gateway API object, using the defaults of the version named
 * by its own apiVersion (as the API server does before any conversion). Objects that are not a
 * served Gateway API kind/version are returned as an unmodified copy; toV1 reports those.
 */
export function applyDefaults<T>(obj: T): T {
  const node = isPlainObject(obj) ? defaultsFor(obj['apiVersion'], obj['kind']) : undefined;
  return node ? applySchemaDefaults(obj, node) : deepCopy(obj);
}

function defaultsFor(apiVersion: unknown, kind: unknown): DefaultsNode | undefined {
  if (typeof apiVersion !== 'string' || !isGatewayKind(kind)) return undefined;
  const { group, version } = splitApiVersion(apiVersion);
  if (group !== GATEWAY_GROUP) return undefined;
  const info = gatewayKindInfo(kind);
  return Object.hasOwn(info.defaults, version) ? info.defaults[version] : undefined;
}
