// parentRefs → listeners of our Gateways. A parentRef selects listeners by sectionName and port;
// a selected listener takes the route when its allowedRoutes admit the route's kind and namespace
// and its hostname meets the route's. That is "attachment" as the spec counts it (attachedRoutes),
// whatever the listener's or the route's own conditions say.
import type { HostnamePattern, ParentRefIR, RouteKind } from '../ir/index.js';
import { Reason } from './conditions.js';
import { gatewayKey, type GatewayResolution, type ResolvedGateway, type ResolvedListener } from './gateway-model.js';
import { effectiveHostnames } from './gateway-route-hostnames.js';
import { GATEWAY_GROUP, echoParentRef } from './parents.js';
import type { ParentRefInput, RouteView } from './routeview.js';

/** One listener a parentRef attached a route to. */
export interface ListenerAttachment {
  gateway: ResolvedGateway;
  listener: ResolvedListener;
  /** The route's effective hostnames on this listener (listener ∩ route), in precedence order. */
  hostnames: HostnamePattern[];
}

export type GatewayParentBinding =
  | { owned: false }
  | { owned: true; parentRef: ParentRefIR; ok: false; gateway: ResolvedGateway; reason: string; message: string }
  | { owned: true; parentRef: ParentRefIR; ok: true; gateway: ResolvedGateway; listeners: ListenerAttachment[] };

/** Route kinds whose hostnames choose among listeners (TCP and UDP have none to compare). */
const HOSTNAME_KINDS: ReadonlySet<RouteKind> = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute']);

type Refusal = { stage: 'kind' | 'namespace' | 'hostname'; message: string };

export function bindGatewayParent(view: RouteView, ref: ParentRefInput, resolution: GatewayResolution): GatewayParentBinding {
  const parentRef = echoParentRef(ref);
  if (parentRef.group !== GATEWAY_GROUP || parentRef.kind !== 'Gateway') return { owned: false };
  const namespace = ref.namespace ?? view.ref.namespace;
  const gateway = resolution.gateways.get(gatewayKey({ namespace, name: ref.name }));
  // A Gateway of another class (or none at all) is not ours to write status for.
  if (!gateway) return { owned: false };
  const gw = `Gateway ${gatewayKey(gateway.ref)}`;
  const fail = (reason: string, message: string): GatewayParentBinding => ({ owned: true, parentRef, ok: false, gateway, reason, message });

  const selected = gateway.listeners.filter(
    (l) => (ref.sectionName === undefined || l.ref.name === ref.sectionName) && (ref.port === undefined || l.port === ref.port),
  );
  if (selected.length === 0) return fail(Reason.NoMatchingParent, `${gw} has no listener ${selectionText(ref)}`);

  const listeners: ListenerAttachment[] = [];
  const refusals: Refusal[] = [];
  for (const listener of selected) {
    const outcome = attachToListener(view, listener);
    if ('stage' in outcome) refusals.push(outcome);
    else listeners.push({ gateway, listener, hostnames: outcome.hostnames });
  }
  if (listeners.length === 0) {
    // The furthest any listener got decides the reason: a hostname miss means kind and namespace
    // were fine somewhere, which is the more useful thing to tell.
    const reason = refusals.some((r) => r.stage === 'hostname') ? Reason.NoMatchingListenerHostname : Reason.NotAllowedByListeners;
    return fail(reason, `${gw}: ${refusals.map((r) => r.message).join('; ')}`);
  }
  return { owned: true, parentRef, ok: true, gateway, listeners };
}

function attachToListener(view: RouteView, listener: ResolvedListener): Refusal | { hostnames: HostnamePattern[] } {
  const name = `listener ${listener.ref.name}`;
  const kind = view.ref.kind;
  if (!listener.kinds.includes(kind)) {
    const allowed = listener.kinds.length > 0 ? `it allows ${listener.kinds.join(', ')}` : 'it allows no route kind';
    return { stage: 'kind', message: `${name} (${listener.protocol}) does not allow ${kind}: ${allowed}` };
  }
  if (!listener.allowsNamespace(view.ref.namespace)) {
    return { stage: 'namespace', message: `${name} does not allow routes from namespace ${view.ref.namespace} (allowedRoutes.namespaces)` };
  }
  if (!HOSTNAME_KINDS.has(kind)) return { hostnames: [listener.hostname ?? '*'] };
  const hostnames = effectiveHostnames(listener.hostname, view.hostnames);
  if (hostnames.length === 0) {
    return {
      stage: 'hostname',
      message: `${name} hostname ${listener.hostname ?? '*'} does not intersect the route's hostnames ${view.hostnames.join(', ')}`,
    };
  }
  return { hostnames };
}

function selectionText(ref: ParentRefInput): string {
  const parts = [
    ref.sectionName !== undefined ? `named ${JSON.stringify(ref.sectionName)}` : '',
    ref.port !== undefined ? `on port ${ref.port}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : '(it has no listeners)';
}
