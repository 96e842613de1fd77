// Which Gateway API kinds the cluster serves, and at which version: asks the discovery endpoints
// of the gateway.networking.k8s.io group. A kind may be missing (its CRD is not installed) or
// served at several versions; we take the newest one the converter in src/api/gateway knows.
import { GATEWAY_GROUP, gatewayKindInfo } from '../../api/gateway/index.js';
import { isNotFound, type KubeHttp } from './kube-http.js';
import { GATEWAY_RESOURCES, type GatewayResource, type ServedResource } from './resources.js';

/** Served version per Gateway API kind; kinds that are not served are absent. */
export type GatewayPresence = Map<GatewayResource['kind'], ServedResource>;

/**
 * Discovers the served Gateway API resources. A missing group is an empty answer, not an error;
 * other failures (the API server is down) reject, so the caller retries instead of concluding
 * that every CRD is gone.
 */
export async function discoverGatewayResources(http: KubeHttp): Promise<GatewayPresence> {
  let group: unknown;
  try {
    group = await http.get(`/apis/${GATEWAY_GROUP}`);
  } catch (err) {
    if (isNotFound(err)) return new Map();
    throw err;
  }
  const versions = groupVersions(group).sort(compareKubeVersions);
  const pluralsByVersion = new Map<string, Set<string>>();
  for (const version of versions) {
    try {
      pluralsByVersion.set(version, resourceNames(await http.get(`/apis/${GATEWAY_GROUP}/${version}`)));
    } catch (err) {
      // A version listed by the group but gone a moment later (a CRD being updated).
      if (!isNotFound(err)) throw err;
    }
  }
  const presence: GatewayPresence = new Map();
  for (const resource of GATEWAY_RESOURCES) {
    const known: readonly string[] = gatewayKindInfo(resource.kind).servedVersions;
    const version = versions.find((v) => known.includes(v) && pluralsByVersion.get(v)?.has(resource.plural));
    if (version === undefined) continue;
    presence.set(resource.kind, {
      kind: resource.kind,
      apiVersion: `${GATEWAY_GROUP}/${version}`,
      plural: resource.plural,
      namespaced: resource.namespaced,
    });
  }
  return presence;
}

function groupVersions(group: unknown): string[] {
  const versions = (group as { versions?: unknown } | undefined)?.versions;
  if (!Array.isArray(versions)) return [];
  return versions
    .map((v: unknown) => (v as { version?: unknown } | null)?.version)
    .filter((v): v is string => typeof v === 'string');
}

/** Top-level resource names of an APIResourceList (subresources such as `httproutes/status` left out). */
function resourceNames(list: unknown): Set<string> {
  const resources = (list as { resources?: unknown } | undefined)?.resources;
  const names = new Set<string>();
  if (!Array.isArray(resources)) return names;
  for (const r of resources) {
    const name = (r as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && !name.includes('/')) names.add(name);
  }
  return names;
}

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Kubernetes version priority, highest first: GA before beta before alpha, then the higher
 * number (v2 > v1, v1beta2 > v1beta1); versions not in that form last, alphabetically.
 */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] | undefined => {
    const m = KUBE_VERSION.exec(v);
    if (!m) return undefined;
    const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (!ra || !rb) return ra ? -1 : rb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  return rb[0] - ra[0] || rb[1] - ra[1] || rb[2] - ra[2];
}
