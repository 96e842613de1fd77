// GatewayClass and Gateway status from what resolution found: the spec's condition types and
// reasons, each with a message that says why, and the attached-route counts route attachment made.
// No times here (the status writer adds them); observedGeneration is the object's generation.
import type { ConditionIR, GatewayClassStatusIR, GatewayStatusIR, ListenerStatusIR } from '../ir/index.js';
import { condition, sortConditions } from './conditions.js';
import type { AddressOutcome } from './gateway-addresses.js';
import { GATEWAY_API_GROUP } from './gateway-allowed-routes.js';
import { GATEWAY_SUPPORTED_FEATURES } from './gateway-features.js';
import { GatewayReason, type ClassFinding, type GatewayFinding, type ListenerFinding } from './gateway-findings.js';
import { listenerKey } from './gateway-model.js';

const Type = {
  Accepted: 'Accepted',
  Programmed: 'Programmed',
  Conflicted: 'Conflicted',
  ResolvedRefs: 'ResolvedRefs',
  OverlappingTLSConfig: 'OverlappingTLSConfig',
} as const;

/** Routes may attach: valid on its own and not Conflicted. */
export function isAttachable(l: ListenerFinding): boolean {
  return l.accepted.ok && l.conflict === undefined;
}

/** Served by the data plane: attachable, references resolved, the Gateway (and its class) accepted. */
export function isProgrammed(l: ListenerFinding, gateway: GatewayFinding): boolean {
  return isAttachable(l) && l.refs.ok && gateway.accepted.ok;
}

export function gatewayClassStatus(c: ClassFinding): GatewayClassStatusIR {
  const gen = c.resolved.generation;
  return {
    name: c.resolved.name,
    generation: gen,
    conditions: [condition(Type.Accepted, c.accepted.ok, c.accepted.reason, c.accepted.message, gen)],
    supportedFeatures: [...GATEWAY_SUPPORTED_FEATURES],
  };
}

export function gatewayStatus(g: GatewayFinding, addresses: AddressOutcome, attachedRoutes: ReadonlyMap<string, number>): GatewayStatusIR {
  const gen = g.generation;
  const accepted = gatewayAccepted(g);
  return {
    namespace: g.ref.namespace,
    name: g.ref.name,
    generation: gen,
    addresses: addresses.ok ? addresses.addresses : [],
    conditions: sortConditions([accepted, gatewayProgrammed(g, accepted.status === 'True', addresses)]),
    listeners: g.listeners.map((l) => listenerStatus(l, g, attachedRoutes)),
  };
}

function withNotes(message: string, notes: readonly string[]): string {
  return notes.length === 0 ? message : `${message}; ${notes.join('; ')}`;
}

function listenerProblem(l: ListenerFinding): string {
  return l.conflict ? `${l.name} (${l.conflict.reason})` : `${l.name} (${l.accepted.reason}: ${l.accepted.message})`;
}

function gatewayAccepted(g: GatewayFinding): ConditionIR {
  const gen = g.generation;
  if (!g.accepted.ok) return condition(Type.Accepted, false, g.accepted.reason, g.accepted.message, gen);
  const invalid = g.listeners.filter((l) => !isAttachable(l));
  const valid = g.listeners.filter(isAttachable);
  // The spec: ListenersNotValid whenever a listener cannot be served (Conflicted ones included);
  // the Gateway stays Accepted while at least one listener can.
  if (valid.length === 0) {
    const why = invalid.length === 0 ? 'the Gateway has no listeners' : invalid.map(listenerProblem).join('; ');
    return condition(Type.Accepted, false, GatewayReason.ListenersNotValid, `No listener can be served: ${why}`, gen);
  }
  if (invalid.length > 0) {
    const message = `Accepted, but not every listener: not accepted ${invalid.map(listenerProblem).join('; ')}; accepted ${valid.map((l) => l.name).join(', ')}`;
    return condition(Type.Accepted, true, GatewayReason.ListenersNotValid, withNotes(message, g.notes), gen);
  }
  return condition(Type.Accepted, true, GatewayReason.Accepted, withNotes('Accepted', g.notes), gen);
}

function gatewayProgrammed(g: GatewayFinding, accepted: boolean, addresses: AddressOutcome): ConditionIR {
  const gen = g.generation;
  if (!accepted) return condition(Type.Programmed, false, GatewayReason.Invalid, 'The Gateway is not accepted (see Accepted)', gen);
  if (!addresses.ok) return condition(Type.Programmed, false, GatewayReason.AddressNotAssigned, addresses.message, gen);
  const programmed = g.listeners.filter((l) => isProgrammed(l, g));
  const idle = g.listeners.filter((l) => !isProgrammed(l, g)).map((l) => l.name);
  if (programmed.length === 0) {
    return condition(Type.Programmed, false, GatewayReason.Invalid, `No listener is programmed (see the status of ${idle.join(', ')})`, gen);
  }
  const message = idle.length === 0 ? 'Programmed' : `Programmed; not programmed: ${idle.join(', ')} (see their status)`;
  return condition(Type.Programmed, true, GatewayReason.Programmed, message, gen);
}

function listenerStatus(l: ListenerFinding, g: GatewayFinding, attachedRoutes: ReadonlyMap<string, number>): ListenerStatusIR {
  const gen = g.generation;
  const conditions: ConditionIR[] = [];
  if (!l.accepted.ok) conditions.push(condition(Type.Accepted, false, l.accepted.reason, l.accepted.message, gen));
  // A Conflicted listener produces no data plane config, so it is not Accepted either (as Envoy
  // Gateway and GEP-1713's examples report it), with the conflict as the reason.
  else if (l.conflict) conditions.push(condition(Type.Accepted, false, l.conflict.reason, l.conflict.message, gen));
  else conditions.push(condition(Type.Accepted, true, GatewayReason.Accepted, withNotes('Listener is accepted', l.notes), gen));

  conditions.push(
    l.conflict
      ? condition(Type.Conflicted, true, l.conflict.reason, l.conflict.message, gen)
      : condition(Type.Conflicted, false, GatewayReason.NoConflicts, 'No conflicts', gen),
  );
  conditions.push(condition(Type.ResolvedRefs, l.refs.ok, l.refs.reason, l.refs.message, gen));
  conditions.push(
    isProgrammed(l, g)
      ? condition(Type.Programmed, true, GatewayReason.Programmed, 'Programmed', gen)
      : condition(Type.Programmed, false, GatewayReason.Invalid, whyNotProgrammed(l, g), gen),
  );
  // Negative polarity: present only when true.
  if (l.overlap !== undefined && isAttachable(l)) {
    conditions.push({ type: Type.OverlappingTLSConfig, status: 'True', reason: GatewayReason.OverlappingHostnames, message: l.overlap, observedGeneration: gen });
  }
  return {
    name: l.name,
    attachedRoutes: attachedRoutes.get(listenerKey({ gateway: l.gateway, name: l.name })) ?? 0,
    supportedKinds: l.kinds.map((kind) => ({ group: GATEWAY_API_GROUP, kind })),
    conditions: sortConditions(conditions),
  };
}

function whyNotProgrammed(l: ListenerFinding, g: GatewayFinding): string {
  if (!l.accepted.ok) return `The listener is not accepted: ${l.accepted.message}`;
  if (l.conflict) return 'The listener is conflicted (see Conflicted)';
  if (!l.refs.ok) return `The listener's references do not resolve: ${l.refs.message}`;
  if (!g.accepted.ok) return `The Gateway is not accepted: ${g.accepted.message}`;
  return 'Not programmed';
}
