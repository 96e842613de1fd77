// A listener's allowedRoutes: which route kinds it takes (what its protocol carries, narrowed by
// allowedRoutes.kinds) and which namespaces routes may come from (Same, All, or a label selector
// on Namespaces). Decided here once so route attachment only asks yes or no.
import type { AllowedRoutes } from '../api/gateway/index.js';
import { NAMESPACE_NAME_LABEL } from '../api/objects.js';
import type { RouteKind } from '../ir/index.js';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** Route kinds each listener protocol (and TLS mode) carries, in the order status lists them. */
export function kindsForProtocol(protocol: string, tlsMode: 'Terminate' | 'Passthrough' | undefined): RouteKind[] {
  switch (protocol) {
    case 'HTTP':
    case 'HTTPS':
      return ['HTTPRoute', 'GRPCRoute'];
    case 'TLS':
      // Terminate too: the TLSRoute then forwards the decrypted stream (GEP-2643, TLSRouteModeTerminate).
      return tlsMode === undefined ? [] : ['TLSRoute'];
    case 'TCP':
      return ['TCPRoute'];
    case 'UDP':
      return ['UDPRoute'];
    default:
      return [];
  }
}

export interface KindsOutcome {
  kinds: RouteKind[];
  /** `group/kind` of each requested kind the listener cannot take. */
  invalid: string[];
}

/** allowedRoutes.kinds ∩ what the protocol carries; unset or empty means all of the latter. */
export function allowedKinds(carried: RouteKind[], requested: AllowedRoutes['kinds']): KindsOutcome {
  if (!requested || requested.length === 0) return { kinds: carried, invalid: [] };
  const kinds: RouteKind[] = [];
  const invalid: string[] = [];
  for (const k of requested) {
    const group = k.group ?? GATEWAY_API_GROUP;
    const match = group === GATEWAY_API_GROUP ? carried.find((c) => c === k.kind) : undefined;
    if (match === undefined) invalid.push(`${group || 'core'}/${k.kind}`);
    else if (!kinds.includes(match)) kinds.push(match);
  }
  return { kinds, invalid };
}

export type NamespacePolicy = { ok: true; allows: (namespace: string) => boolean } | { ok: false; message: string };

type Namespaces = NonNullable<AllowedRoutes['namespaces']>;
type Selector = NonNullable<Namespaces['selector']>;
type Labels = Readonly<Record<string, string>>;

/**
 * allowedRoutes.namespaces as a predicate. `labelsOf` gives a Namespace's labels; a namespace the
 * snapshot does not hold has only the name label the API server puts on every Namespace.
 */
export function namespacePolicy(
  gatewayNamespace: string,
  namespaces: Namespaces | undefined,
  labelsOf: (namespace: string) => Labels | undefined,
): NamespacePolicy {
  const from = namespaces?.from ?? 'Same';
  switch (from) {
    case 'Same':
      return { ok: true, allows: (ns) => ns === gatewayNamespace };
    case 'All':
      return { ok: true, allows: () => true };
    case 'Selector': {
      if (!namespaces?.selector) {
        return { ok: false, message: 'allowedRoutes.namespaces.from is Selector but no selector is given' };
      }
      const matches = labelSelector(namespaces.selector);
      if (typeof matches === 'string') return { ok: false, message: `allowedRoutes.namespaces.selector: ${matches}` };
      return {
        ok: true,
        allows: (ns) => matches({ ...(labelsOf(ns) ?? {}), [NAMESPACE_NAME_LABEL]: ns }),
      };
    }
    default:
      return { ok: false, message: `allowedRoutes.namespaces.from ${String(from)} is not one of All, Same, Selector` };
  }
}

/** A Kubernetes label selector as a predicate (an empty one selects everything), or why it is invalid. */
export function labelSelector(selector: Selector): ((labels: Labels) => boolean) | string {
  const tests: ((labels: Labels) => boolean)[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (value === undefined) continue;
    tests.push((labels) => labels[key] === value);
  }
  for (const [i, e] of (selector.matchExpressions ?? []).entries()) {
    const values = e.values ?? [];
    const where = `matchExpressions[${i}] (${e.key} ${e.operator})`;
    switch (e.operator) {
      case 'In':
      case 'NotIn': {
        if (values.length === 0) return `${where} needs at least one value`;
        const inSet = (labels: Labels): boolean => {
          const v = labels[e.key];
          return v !== undefined && values.includes(v);
        };
        tests.push(e.operator === 'In' ? inSet : (labels) => !inSet(labels));
        break;
      }
      case 'Exists':
      case 'DoesNotExist': {
        if (values.length > 0) return `${where} must not have values`;
        const has = (labels: Labels): boolean => Object.hasOwn(labels, e.key);
        tests.push(e.operator === 'Exists' ? has : (labels) => !has(labels));
        break;
      }
      default:
        return `${where}: operator ${e.operator} is not one of In, NotIn, Exists, DoesNotExist`;
    }
  }
  return (labels) => tests.every((t) => t(labels));
}
