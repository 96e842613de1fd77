// Route status for every parentRef this controller owns: Accepted and ResolvedRefs always,
// PartiallyInvalid when rules were dropped, and a Sidelane condition for fields we accept but do
// not enforce yet, so nothing is ignored silently. Gateway parents' entries are built apart
// (gateway-route-status.ts) and merged here in parentRef order.
import { MESH_CONTROLLER_NAME, type ConditionIR, type RouteParentStatusIR, type RouteStatusIR } from '../ir/index.js';
import { ConditionType, Reason, condition, sortConditions } from './conditions.js';
import type { ParentBinding } from './parents.js';
import { ruleLabel } from './problems.js';
import type { TranslatedRoute } from './routeview.js';
import type { Loss } from './tables.js';

export interface RouteOutcome {
  route: TranslatedRoute;
  bindings: ParentBinding[];
  losses: Loss[];
  /** Entries for Gateway parents (gateway-route-status.ts), by parentRef index; undefined where not ours. */
  gatewayParents?: (RouteParentStatusIR | undefined)[];
}

export function routeStatus({ route, bindings, losses, gatewayParents }: RouteOutcome): RouteStatusIR | undefined {
  const parents: RouteParentStatusIR[] = [];
  bindings.forEach((binding, parentIndex) => {
    if (!binding.owned) return;
    const gen = route.view.generation;
    const conditions: ConditionIR[] = [
      accepted(route, binding, losses.filter((l) => l.parentIndex === parentIndex), gen),
      resolvedRefs(route, gen),
      ...ruleConditions(route, gen),
    ];
    parents.push({ parentRef: binding.parentRef, controllerName: MESH_CONTROLLER_NAME, conditions: sortConditions(conditions) });
  });
  // Gateway parents come in between, in parentRef order (a parentRef is a Service or a Gateway, never both).
  gatewayParents?.forEach((entry, parentIndex) => {
    if (entry) parents.splice(ownedBefore(bindings, gatewayParents, parentIndex), 0, entry);
  });
  if (parents.length === 0) return undefined;
  const { kind, namespace, name } = route.view.ref;
  return { kind, namespace, name, generation: route.view.generation, parents };
}

function accepted(route: TranslatedRoute, binding: Exclude<ParentBinding, { owned: false }>, losses: Loss[], gen: number): ConditionIR {
  if (!binding.ok) return condition(ConditionType.Accepted, false, binding.reason, binding.message, gen);
  const invalid = noValidRule(route, gen);
  if (invalid) return invalid;
  const lostPorts = new Set(losses.map((l) => l.port));
  const kept = binding.ports.filter((p) => !lostPorts.has(p.port));
  if (kept.length === 0) {
    return condition(ConditionType.Accepted, false, Reason.Conflicted, losses.map((l) => l.message).join('; '), gen);
  }
  const svc = `${binding.service.ref.namespace}/${binding.service.ref.name}`;
  const clients = binding.group.kind === 'producer' ? 'all clients (producer route)' : `clients in namespace ${binding.group.namespace} (consumer route)`;
  const notes = [
    ...losses.map((l) => l.message),
    ...binding.unfitPorts.map((p) => `port ${p.port} speaks ${p.protocol} and is left alone`),
    // GEP-1294: a mesh infers nothing from hostnames; say so, since a user may expect a Host filter.
    ...(route.family === 'http' && route.view.hostnames.length > 0
      ? ['spec.hostnames is ignored on Service parents (GEP-1294): routing is by the Service, not the Host header']
      : []),
  ];
  const ports = kept.map((p) => p.port).join(', ');
  const message = `Route applies to Service ${svc} port(s) ${ports} for ${clients}${notes.length ? `; ${notes.join('; ')}` : ''}`;
  return condition(ConditionType.Accepted, true, Reason.Accepted, message, gen);
}

/** How many entries (mesh or gateway) come before parentRef `index`. */
function ownedBefore(bindings: ParentBinding[], gatewayParents: (RouteParentStatusIR | undefined)[], index: number): number {
  let n = 0;
  for (let i = 0; i < index; i++) if (bindings[i]?.owned === true || gatewayParents[i] !== undefined) n++;
  return n;
}

/** PartiallyInvalid when some rules were dropped, and fields accepted but not enforced. */
export function ruleConditions(route: TranslatedRoute, gen: number): ConditionIR[] {
  const out: ConditionIR[] = [];
  const { dropped, unsupported } = route.problems;
  if (dropped.length > 0 && route.rules.length > 0) {
    // The spec: the message MUST start with "Dropped Rule" and say which rules were dropped.
    const what = dropped.map((d) => `Dropped Rule ${d.index}${d.name ? ` (${d.name})` : ''}: ${d.message}`).join('; ');
    out.push(condition(ConditionType.PartiallyInvalid, true, Reason.UnsupportedValue, what, gen));
  }
  if (unsupported.length > 0) {
    out.push(condition(ConditionType.UnsupportedFields, true, Reason.UnsupportedValue, unsupported.join('; '), gen));
  }
  return out;
}

/** Accepted=False for a route none of whose rules survived, or undefined when some did. */
export function noValidRule(route: TranslatedRoute, gen: number): ConditionIR | undefined {
  if (route.rules.length > 0) return undefined;
  const why = route.problems.dropped.map((d) => `${ruleLabel(d.index, d.name)}: ${d.message}`).join('; ');
  return condition(ConditionType.Accepted, false, Reason.UnsupportedValue, `no valid rule: ${why}`, gen);
}

export function resolvedRefs(route: TranslatedRoute, gen: number): ConditionIR {
  const refs = route.problems.refs;
  const first = refs[0];
  if (!first) return condition(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, 'All references resolved', gen);
  return condition(ConditionType.ResolvedRefs, false, first.reason, refs.map((r) => r.message).join('; '), gen);
}
