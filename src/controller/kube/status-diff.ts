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
 * they are if they are not ours). Other controllers' entries come first, in their order.
 */
export function plannedParents(
  current: unknown,
  ours: readonly RouteParentStatusIR[],
  controllerName: string,
  now: string,
): unknown[] | undefined {
  const entries: unknown[] = Array.isArray(current) ? current : [];
  const others = entries.filter((e) => !isOurs(e, controllerName));
  const ourCurrent = entries.filter((e): e is Record<string, unknown> => isOurs(e, controllerName));
  const desired = ours.map((parent) => withTimes(parent, controllerName, ourCurrent, now));
  const same =
    ourCurrent.length === desired.length &&
    ourCurrent.every((entry, i) => comparable(entry) === comparable(desired[i] as unknown as Record<string, unknown>));
  return same ? undefined : [...others, ...desired];
}

function isOurs(entry: unknown, controllerName: string): boolean {
  return isRecord(entry) && entry['controllerName'] === controllerName;
}

function withTimes(
  parent: RouteParentStatusIR,
  controllerName: string,
  ourCurrent: readonly Record<string, unknown>[],
  now: string,
): ApiRouteParentStatus {
  const parentRef = cleanParentRef(parent.parentRef);
  const refKey = canonicalJson(parentRef);
  const previous = ourCurrent.find((e) => canonicalJson(cleanParentRef(e['parentRef'])) === refKey);
  const previousConditions = Array.isArray(previous?.['conditions']) ? (previous['conditions'] as unknown[]) : [];
  return {
    parentRef,
    controllerName,
    conditions: parent.conditions.map((c) => apiCondition(c, previousConditions, now)),
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
  const conditions = (Array.isArray(entry['conditions']) ? (entry['conditions'] as unknown[]) : [])
    .filter(isRecord)
    .map((c) => ({
      type: c['type'],
      status: c['status'],
      reason: c['reason'],
      message: c['message'],
      observedGeneration: c['observedGeneration'],
    }))
    .sort((a, b) => (String(a.type) < String(b.type) ? -1 : String(a.type) > String(b.type) ? 1 : 0));
  return canonicalJson({ parentRef: cleanParentRef(entry['parentRef']), controllerName: entry['controllerName'], conditions });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
