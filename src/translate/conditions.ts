// Condition types and reasons this controller writes, named as the Gateway API names them (plus
// GEP-1294's Conflicted and Envoy Gateway's NoReadyListeners), and small builders so every
// condition carries a message.
import type { ConditionIR } from '../ir/index.js';

export const ConditionType = {
  Accepted: 'Accepted',
  ResolvedRefs: 'ResolvedRefs',
  PartiallyInvalid: 'PartiallyInvalid',
  /** Implementation-specific (domain-prefixed, as the spec asks): fields accepted but not enforced. */
  UnsupportedFields: 'sidelane.io/UnsupportedFields',
} as const;

export const Reason = {
  Accepted: 'Accepted',
  ResolvedRefs: 'ResolvedRefs',
  NoMatchingParent: 'NoMatchingParent',
  NotAllowedByListeners: 'NotAllowedByListeners',
  NoMatchingListenerHostname: 'NoMatchingListenerHostname',
  /**
   * Implementation-specific (Envoy Gateway's name): the route attached only to listeners that are
   * not Accepted (Conflicted, unsupported), so no listener will serve it.
   */
  NoReadyListeners: 'NoReadyListeners',
  UnsupportedValue: 'UnsupportedValue',
  Conflicted: 'Conflicted',
  BackendNotFound: 'BackendNotFound',
  InvalidKind: 'InvalidKind',
  RefNotPermitted: 'RefNotPermitted',
  UnsupportedProtocol: 'UnsupportedProtocol',
} as const;

export function condition(
  type: string,
  ok: boolean,
  reason: string,
  message: string,
  observedGeneration: number,
): ConditionIR {
  return { type, status: ok ? 'True' : 'False', reason, message, observedGeneration };
}

export function sortConditions(conditions: ConditionIR[]): ConditionIR[] {
  return [...conditions].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}
