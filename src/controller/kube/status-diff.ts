// Pure: the status.parents a route should have, given what it has now and what the translator
// says for our parentRefs. `parents` is an atomic list in the Gateway API CRDs, so a write carries
// other controllers' entries too (unchanged); ours keep their lastTransitionTime while their
// status holds; and no write at all is planned when ours already say the same thing.
import { canonicalJson, type ConditionIR, type ParentRefIR, type RouteParentStatusIR } from '../../ir/index.js';

/** A condition as written to the API (metav1.Condition). */
export interface ApiCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** One status.parents entry as written to the API. */
export interface ApiRouteParentStatus {
  parentRef: ParentRefIR;
  controllerName: string;
  conditions: ApiCondition[];
}

/** RFC 3339 in seconds, as metav1.Time serializes (`2025-01-02T03:04:05Z`). */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * The full status.parents to write, or undefined when our entries already match (ignoring
 * lastTransitionTime), so an unchanged route costs no write after a relist or a restart.
 * `current` is the route's status.parents as read (anything; malformed entries are kept as
 * they are if they are not ours). Ours are the entries whose controllerName is one of
 * `controllerNames` (the mesh and the gateway controller) or of `ours`: an entry of ours the translator no
 * longer has (a parentRef that stopped being ours) is dropped. Other controllers' entries come
 * first, in their order.
 */
export function plannedParents(
  current: unknown,
  ours: readonly RouteParentStatusIR[],
  controllerNames: string | readonly string[],
  now: string,
): unknown[] | undefined {
  // An entry the translator gives is ours whatever name it carries: counting it as someone else's
  // would add it again at every write.
  const names = new Set([...(typeof controllerNames === 'string' ? [controllerNames] : controllerNames), ...ours.map((p) => p.controllerName)]);
  const entries: unknown[] = Array.isArray(current) ? current : [];
  const others = entries.filter((e) => !isOurs(e, names));
  const ourCurrent = entries.filter((e): e is Record<string, unknown> => isOurs(e, names));
  const desired = ours.map((parent) => withTimes(parent, ourCurrent, now));
  const same =
    ourCurrent.length === desired.length &&
    ourCurrent.every((entry, i) => comparable(entry) === comparable(desired[i] as unknown as Record<string, unknown>));
  return same ? undefined : [...others, ...desired];
}

/**
 * Conditions to write: each keeps the lastTransitionTime of the condition of its type in
 * `previous` (a stored conditions list, anything) while its status is the same; else it is `now`.
 */
export function apiConditions(conditions: readonly ConditionIR[], previous: unknown, now: string): ApiCondition[] {
  const before = Array.isArray(previous) ? (previous as unknown[]) : [];
  return conditions.map((c) => apiCondition(c, before, now));
}

/**
 * Stored conditions as compared with ours: by type, lastTransitionTime left out. With `types`,
 * only conditions of those types count (others may belong to someone else, and SSA keeps them).
 */
export function comparableConditions(conditions: unknown, types?: ReadonlySet<string>): unknown[] {
  return (Array.isArray(conditions) ? (conditions as unknown[]) : [])
    .filter(isRecord)
    .filter((c) => types === undefined || types.has(String(c['type'])))
    .map((c) => ({
      type: c['type'],
      status: c['status'],
      reason: c['reason'],
      message: c['message'],
      observedGeneration: c['observedGeneration'],
    }))
    .sort((a, b) => (String(a.type) < String(b.type) ? -1 : String(a.type) > String(b.type) ? 1 : 0));
}

function isOurs(entry: unknown, controllerNames: ReadonlySet<string>): boolean {
  return isRecord(entry) && typeof entry['controllerName'] === 'string' && controllerNames.has(entry['controllerName']);
}

function withTimes(parent: RouteParentStatusIR, ourCurrent: readonly Record<string, unknown>[], now: string): ApiRouteParentStatus {
  const parentRef = cleanParentRef(parent.parentRef);
  const refKey = canonicalJson(parentRef);
  const previous = ourCurrent.find(
    (e) => e['controllerName'] === parent.controllerName && canonicalJson(cleanParentRef(e['parentRef'])) === refKey,
  );
  return {
    parentRef,
    controllerName: parent.controllerName,
    conditions: apiConditions(parent.conditions, previous?.['conditions'], now),
  };
}

function apiCondition(c: ConditionIR, previous: readonly unknown[], now: string): ApiCondition {
  const before = previous.find((p): p is Record<string, unknown> => isRecord(p) && p['type'] === c.type);
  const since = before?.['lastTransitionTime'];
  const lastTransitionTime = before?.['status'] === c.status && typeof since === 'string' && since !== '' ? since : now;
  return {
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
    observedGeneration: c.observedGeneration,
    lastTransitionTime,
  };
}

/** The parentRef fields the status echoes, without absent ones (the server drops nothing else). */
function cleanParentRef(ref: unknown): ParentRefIR {
  const r = isRecord(ref) ? ref : {};
  const out: Record<string, unknown> = {};
  for (const field of ['group', 'kind', 'namespace', 'name', 'sectionName', 'port'] as const) {
    if (r[field] !== undefined && r[field] !== null) out[field] = r[field];
  }
  return out as unknown as ParentRefIR;
}

/** An entry as compared: parentRef, controllerName, conditions by type, lastTransitionTime left out. */
function comparable(entry: Record<string, unknown>): string {
  return canonicalJson({
    parentRef: cleanParentRef(entry['parentRef']),
    controllerName: entry['controllerName'],
    conditions: comparableConditions(entry['conditions']),
  });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
