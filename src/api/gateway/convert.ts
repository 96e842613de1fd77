// Converts Gateway API objects of any served version to the v1 shape the generated types describe.
// The CRDs use conversion strategy None (the API server only rewrites apiVersion); the few places
// where an older schema admits what v1 does not are handled here, with a warning.
import {
  applyDefaults,
  deepCopy,
  GATEWAY_GROUP,
  gatewayKindInfo,
  isGatewayKind,
  splitApiVersion,
  type GatewayKind,
} from './defaults.js';
import type {
  BackendTLSPolicy,
  Gateway,
  GatewayClass,
  GRPCRoute,
  HTTPRoute,
  ReferenceGrant,
  TCPRoute,
  TLSRoute,
  UDPRoute,
} from './generated.js';

export interface GatewayObjects {
  HTTPRoute: HTTPRoute;
  GRPCRoute: GRPCRoute;
  TCPRoute: TCPRoute;
  TLSRoute: TLSRoute;
  UDPRoute: UDPRoute;
  ReferenceGrant: ReferenceGrant;
  Gateway: Gateway;
  GatewayClass: GatewayClass;
  BackendTLSPolicy: BackendTLSPolicy;
}

export type GatewayObject = GatewayObjects[GatewayKind];

/** A successful conversion, discriminated by kind so callers can switch on it. */
export type Converted = {
  [K in GatewayKind]: {
    ok: true;
    kind: K;
    object: GatewayObjects[K];
    /** Things the older version allowed that v1 does not; the object is still usable. */
    warnings: string[];
  };
}[GatewayKind];

export type ConvertResult = Converted | { ok: false; error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const L4_ROUTES: ReadonlySet<GatewayKind> = new Set(['TCPRoute', 'TLSRoute', 'UDPRoute']);

/**
 * Returns the object as the v1 type of its kind (a copy; the input is not modified). Does not
 * default: call applyDefaults first, or use normalizeToV1. Never throws on user input.
 */
export function toV1(obj: unknown): ConvertResult {
  if (!isRecord(obj)) return { ok: false, error: 'not an object' };
  const { apiVersion, kind, metadata, spec } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return { ok: false, error: 'apiVersion and kind must be strings' };
  }
  const { group, version } = splitApiVersion(apiVersion);
  if (group !== GATEWAY_GROUP) {
    return { ok: false, error: `${apiVersion} is not the Gateway API group ${GATEWAY_GROUP}` };
  }
  if (!isGatewayKind(kind)) {
    return { ok: false, error: `unsupported Gateway API kind ${kind}` };
  }
  const info = gatewayKindInfo(kind);
  if (!info.servedVersions.includes(version)) {
    const served = info.servedVersions.join(', ');
    return { ok: false, error: `${kind} ${apiVersion} is not a served version (served: ${served})` };
  }
  if (!isRecord(metadata)) return { ok: false, error: `${kind}: metadata must be an object` };
  if (!isRecord(spec)) return { ok: false, error: `${kind}: spec is required and must be an object` };

  const copy = deepCopy(obj);
  copy['apiVersion'] = `${GATEWAY_GROUP}/${info.typedVersion}`;
  const warnings = version === info.typedVersion ? [] : convertFields(kind, version, copy);
  // The checks above cover what the types require at the top level; the rest is trusted to have
  // been validated by the API server (or, for files, is read leniently by the translator).
  return { ok: true, kind, object: copy as unknown as GatewayObjects[typeof kind], warnings } as Converted;
}

/** Defaults with the object's own version's schema, then converts: what the API server serves. */
export function normalizeToV1(obj: unknown): ConvertResult {
  return toV1(applyDefaults(obj));
}

/**
 * Per-field differences found by diffing the CRD schemas (descriptions ignored) of Gateway API
 * v1.6.1: HTTPRoute, Gateway, GatewayClass, ReferenceGrant v1beta1, TLSRoute v1alpha3 and
 * BackendTLSPolicy v1alpha3 are identical to v1. TCPRoute/UDPRoute/TLSRoute v1alpha2 allow up to
 * 16 rules (v1: 1), and TLSRoute v1alpha2 makes hostnames optional and accepts IP addresses.
 */
function convertFields(kind: GatewayKind, version: string, obj: Record<string, unknown>): string[] {
  const warnings: string[] = [];
  const spec = obj['spec'] as Record<string, unknown>;
  const rules = spec['rules'];
  if (L4_ROUTES.has(kind) && Array.isArray(rules) && rules.length > 1) {
    // Kept as-is (as the API server would serve it); the translator decides what several rules mean.
    warnings.push(
      `${kind} ${version} has ${rules.length} rules; v1 allows only 1, all are kept`,
    );
  }
  if (kind === 'TLSRoute' && version === 'v1alpha2') {
    const hostnames = spec['hostnames'];
    if (hostnames === undefined || hostnames === null) {
      // v1alpha2 "unspecified" means "whatever SNI the parent accepts"; v1 requires a list,
      // so the empty list stands for it (a v1 object can never have an empty one).
      spec['hostnames'] = [];
      warnings.push(
        'TLSRoute v1alpha2 without hostnames matches any SNI its parent accepts; v1 requires hostnames (converted to [])',
      );
    } else if (Array.isArray(hostnames)) {
      for (const h of hostnames) {
        if (typeof h === 'string' && IPV4.test(h)) {
          warnings.push(`TLSRoute hostname ${h} is an IP address, which SNI never carries; v1 rejects it`);
        }
      }
    }
  }
  return warnings;
}

// The v1alpha2 hostname pattern admits no ':' so only IPv4 literals can get through.
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
