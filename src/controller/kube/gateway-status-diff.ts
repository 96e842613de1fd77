// Pure: the status a GatewayClass or a Gateway of ours should have, given what it has now and
// what the translator says. Conditions keep their lastTransitionTime while their status holds;
// undefined means the stored status already says the same thing, so no write is needed. These
// lists are maps in the CRDs (conditions by type, listeners by name), so unlike route parents
// nothing of anyone else's has to travel with our apply.
import {
  canonicalJson,
  type GatewayAddressIR,
  type GatewayClassStatusIR,
  type GatewayStatusIR,
  type ListenerStatusIR,
} from '../../ir/index.js';
import { apiConditions, comparableConditions, isRecord, type ApiCondition } from './status-diff.js';

export interface ApiGatewayClassStatus {
  conditions: ApiCondition[];
  supportedFeatures?: { name: string }[];
}

export interface ApiListenerStatus {
  name: string;
  attachedRoutes: number;
  supportedKinds: { group: string; kind: string }[];
  conditions: ApiCondition[];
}

export interface ApiGatewayStatus {
  addresses?: GatewayAddressIR[];
  conditions: ApiCondition[];
  listeners: ApiListenerStatus[];
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** The GatewayClass status to apply, or undefined when the stored one matches. */
export function plannedGatewayClassStatus(current: unknown, desired: GatewayClassStatusIR, now: string): ApiGatewayClassStatus | undefined {
  const stored = isRecord(current) ? current : {};
  const types = new Set(desired.conditions.map((c) => c.type));
  const storedFeatures = (Array.isArray(stored['supportedFeatures']) ? (stored['supportedFeatures'] as unknown[]) : [])
    .map((f) => (isRecord(f) ? f['name'] : f))
    .filter((name): name is string => typeof name === 'string')
    .sort();
  const same =
    canonicalJson(comparableConditions(stored['conditions'], types)) === canonicalJson(comparableConditions(desired.conditions)) &&
    canonicalJson(storedFeatures) === canonicalJson([...desired.supportedFeatures].sort());
  if (same) return undefined;
  return {
    conditions: apiConditions(desired.conditions, stored['conditions'], now),
    // Left out when empty: server-side apply then drops a list we wrote before.
    ...(desired.supportedFeatures.length > 0 ? { supportedFeatures: desired.supportedFeatures.map((name) => ({ name })) } : {}),
  };
}

/** The Gateway status to apply, or undefined when the stored one matches. */
export function plannedGatewayStatus(current: unknown, desired: GatewayStatusIR, now: string): ApiGatewayStatus | undefined {
  const stored = isRecord(current) ? current : {};
  const storedListeners = new Map<string, Record<string, unknown>>();
  for (const l of Array.isArray(stored['listeners']) ? (stored['listeners'] as unknown[]) : []) {
    if (isRecord(l) && typeof l['name'] === 'string') storedListeners.set(l['name'], l);
  }
  const types = new Set(desired.conditions.map((c) => c.type));
  const same =
    canonicalJson(storedAddresses(stored['addresses'])) === canonicalJson(desired.addresses) &&
    canonicalJson(comparableConditions(stored['conditions'], types)) === canonicalJson(comparableConditions(desired.conditions)) &&
    storedListeners.size === desired.listeners.length &&
    desired.listeners.every((l) => sameListener(storedListeners.get(l.name), l));
  if (same) return undefined;
  return {
    // Left out when empty (none known yet): server-side apply then drops addresses we wrote before.
    ...(desired.addresses.length > 0 ? { addresses: desired.addresses.map((a) => ({ type: a.type, value: a.value })) } : {}),
    conditions: apiConditions(desired.conditions, stored['conditions'], now),
    listeners: desired.listeners.map((l) => ({
      name: l.name,
      attachedRoutes: l.attachedRoutes,
      supportedKinds: l.supportedKinds.map((k) => ({ group: k.group, kind: k.kind })),
      conditions: apiConditions(l.conditions, storedListeners.get(l.name)?.['conditions'], now),
    })),
  };
}

function sameListener(stored: Record<string, unknown> | undefined, desired: ListenerStatusIR): boolean {
  if (stored === undefined) return false;
  const kinds = (Array.isArray(stored['supportedKinds']) ? (stored['supportedKinds'] as unknown[]) : [])
    .filter(isRecord)
    .map((k) => ({ group: typeof k['group'] === 'string' ? k['group'] : GATEWAY_GROUP, kind: k['kind'] }));
  const types = new Set(desired.conditions.map((c) => c.type));
  return (
    stored['attachedRoutes'] === desired.attachedRoutes &&
    canonicalJson(kinds) === canonicalJson(desired.supportedKinds.map((k) => ({ group: k.group, kind: k.kind }))) &&
    canonicalJson(comparableConditions(stored['conditions'], types)) === canonicalJson(comparableConditions(desired.conditions))
  );
}

/** Stored addresses as compared: type defaulted (IPAddress), in their order (an atomic list). */
function storedAddresses(addresses: unknown): unknown[] {
  return (Array.isArray(addresses) ? (addresses as unknown[]) : [])
    .filter(isRecord)
    .map((a) => ({ type: typeof a['type'] === 'string' ? a['type'] : 'IPAddress', value: a['value'] }));
}
