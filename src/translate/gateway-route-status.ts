// Route status entries for Gateway parents: Accepted says which listeners serve the route (or why
// none does), ResolvedRefs and PartiallyInvalid come from the route as translated for Gateways
// (where a cross-namespace backend needs a ReferenceGrant).
import { type ConditionIR, type RouteParentStatusIR } from '../ir/index.js';
import { ConditionType, Reason, condition, sortConditions } from './conditions.js';
import { gatewayKey, listenerKey } from './gateway-model.js';
import type { GatewayParentBinding, ListenerAttachment } from './gateway-parents.js';
import type { GatewayLoss } from './gateway-route-attach.js';
import type { TranslatedRoute } from './routeview.js';
import { noValidRule, resolvedRefs, ruleConditions } from './status.js';

type OwnedBinding = Exclude<GatewayParentBinding, { owned: false }>;

/** The status entry of parentRef `parentIndex`, or undefined when that parentRef is not ours. */
export function gatewayParentStatus(
  route: TranslatedRoute,
  binding: GatewayParentBinding,
  parentIndex: number,
  losses: readonly GatewayLoss[],
  /** The controllerName of our GatewayClasses: the spec wants the route entry to carry the class's. */
  controllerName: string,
): RouteParentStatusIR | undefined {
  if (!binding.owned) return undefined;
  const gen = route.view.generation;
  const own = losses.filter((l) => l.route === route && l.parentIndex === parentIndex);
  const conditions: ConditionIR[] = [accepted(route, binding, own, gen), resolvedRefs(route, gen), ...ruleConditions(route, gen)];
  return { parentRef: binding.parentRef, controllerName, conditions: sortConditions(conditions) };
}

function accepted(route: TranslatedRoute, binding: OwnedBinding, losses: GatewayLoss[], gen: number): ConditionIR {
  if (!binding.ok) return condition(ConditionType.Accepted, false, binding.reason, binding.message, gen);
  const gw = `Gateway ${gatewayKey(binding.gateway.ref)}`;
  if (!binding.gateway.accepted) {
    return condition(ConditionType.Accepted, false, Reason.NoMatchingParent, `${gw} is not Accepted (see its status), so no listener of it serves routes`, gen);
  }
  const invalid = noValidRule(route, gen);
  if (invalid) return invalid;

  const ready = binding.listeners.filter((a) => a.listener.attachable);
  const unready = binding.listeners.filter((a) => !a.listener.attachable).map((a) => `listener ${a.listener.ref.name} is not Accepted (see the Gateway's listener status)`);
  if (ready.length === 0) return condition(ConditionType.Accepted, false, Reason.NoReadyListeners, `${gw}: ${unready.join('; ')}`, gen);

  const lost = new Set(losses.map((l) => listenerKey(l.listener)));
  const kept = ready.filter((a) => !lost.has(listenerKey(a.listener.ref)));
  if (kept.length === 0) return condition(ConditionType.Accepted, false, Reason.Conflicted, losses.map((l) => l.message).join('; '), gen);

  const notes = [
    ...losses.map((l) => l.message),
    ...unready,
    ...kept
      .filter((a) => !a.listener.programmed)
      .map((a) => `listener ${a.listener.ref.name} is not Programmed (see the Gateway's listener status): it serves no traffic until it is`),
  ];
  const where = kept.map((a) => listenerText(route, a)).join(', ');
  return condition(ConditionType.Accepted, true, Reason.Accepted, `Route attached to ${gw} ${where}${notes.length ? `; ${notes.join('; ')}` : ''}`, gen);
}

function listenerText(route: TranslatedRoute, a: ListenerAttachment): string {
  const name = `listener ${a.listener.ref.name} (port ${a.listener.port})`;
  return route.family === 'http' || route.family === 'tls' ? `${name} for ${a.hostnames.join(', ')}` : name;
}
