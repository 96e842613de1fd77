// Routes on each Gateway listener: how many attached (status.listeners[].attachedRoutes), and
// which of them the listener serves once the spec's exclusions are applied: an HTTPRoute and a
// GRPCRoute may not share a hostname on one listener (GEP-1016: the newer one is rejected), and a
// TCP or UDP listener forwards to one route (the oldest, as the mesh does for a TCP port).
import { routeKey, type HostnamePattern, type ListenerRef } from '../ir/index.js';
import { gatewayKey, listenerKey, type ResolvedGateway, type ResolvedListener } from './gateway-model.js';
import type { GatewayParentBinding } from './gateway-parents.js';
import { compareHostPrecedence, hostnamesOverlap } from './gateway-route-hostnames.js';
import { byAge } from './tables.js';
import type { TranslatedRoute } from './routeview.js';

/** One route on one listener, however many of its parentRefs led there. */
export interface GatewayAttachment {
  route: TranslatedRoute;
  parentIndexes: number[];
  gateway: ResolvedGateway;
  listener: ResolvedListener;
  /** Effective hostnames (listener ∩ route), precedence order. */
  hostnames: HostnamePattern[];
}

/** A route a listener took (it counts in attachedRoutes) but does not serve. */
export interface GatewayLoss {
  route: TranslatedRoute;
  parentIndex: number;
  listener: ListenerRef;
  message: string;
}

export interface RouteOnGateways {
  /** Translated with the Gateway backend context (cross-namespace backends need a ReferenceGrant). */
  route: TranslatedRoute;
  /** One per parentRef, in spec order. */
  bindings: GatewayParentBinding[];
}

export interface SettledGatewayRoutes {
  /** Listener key → routes it serves, oldest first; only programmed listeners appear. */
  served: Map<string, GatewayAttachment[]>;
  losses: GatewayLoss[];
  /** Listener key → distinct routes attached, for every listener any route attached to. */
  attachedRoutes: Map<string, number>;
}

export function settleGatewayRoutes(routes: readonly RouteOnGateways[]): SettledGatewayRoutes {
  const byListener = new Map<string, Map<TranslatedRoute, GatewayAttachment>>();
  for (const { route, bindings } of routes) {
    bindings.forEach((binding, parentIndex) => {
      if (!binding.owned || !binding.ok) return;
      for (const { gateway, listener, hostnames } of binding.listeners) {
        const key = listenerKey(listener.ref);
        const onListener = byListener.get(key) ?? new Map<TranslatedRoute, GatewayAttachment>();
        byListener.set(key, onListener);
        const seen = onListener.get(route);
        if (seen) {
          // Two parentRefs of one route reaching the same listener: one route, hostnames merged.
          seen.parentIndexes.push(parentIndex);
          seen.hostnames = [...new Set([...seen.hostnames, ...hostnames])].sort(compareHostPrecedence);
        } else {
          onListener.set(route, { route, parentIndexes: [parentIndex], gateway, listener, hostnames: [...hostnames] });
        }
      }
    });
  }

  const attachedRoutes = new Map<string, number>();
  const served = new Map<string, GatewayAttachment[]>();
  const losses: GatewayLoss[] = [];
  for (const [key, onListener] of byListener) {
    const attachments = [...onListener.values()].sort((a, b) => byAge(a.route, b.route));
    // The spec counts attachment, not acceptance: routes with Accepted=False count too.
    attachedRoutes.set(key, new Set(attachments.map((a) => routeKey(a.route.view.ref))).size);
    const first = attachments[0];
    if (!first || !first.listener.attachable || !first.gateway.accepted) continue;
    const kept = keepServable(
      attachments.filter((a) => a.route.rules.length > 0),
      losses,
    );
    if (first.listener.programmed) served.set(key, kept);
  }
  return { served, losses, attachedRoutes };
}

function keepServable(attachments: GatewayAttachment[], losses: GatewayLoss[]): GatewayAttachment[] {
  const kept: GatewayAttachment[] = [];
  const lose = (a: GatewayAttachment, message: string): void => {
    for (const parentIndex of a.parentIndexes) losses.push({ route: a.route, parentIndex, listener: a.listener.ref, message });
  };
  for (const a of attachments) {
    const where = `listener ${a.listener.ref.name} of Gateway ${gatewayKey(a.gateway.ref)}`;
    switch (a.route.kind) {
      case 'HTTPRoute':
      case 'GRPCRoute': {
        const clash = kept.find((k) => k.route.kind !== a.route.kind && hostnamesOverlap(k.hostnames, a.hostnames));
        if (clash) {
          const other = clash.route.view.ref;
          lose(
            a,
            `${where} already serves the older ${other.kind} ${other.namespace}/${other.name} on hostname(s) ${clash.hostnames.join(', ')}; ` +
              'an HTTPRoute and a GRPCRoute may not share a hostname on one listener (GEP-1016)',
          );
        } else {
          kept.push(a);
        }
        break;
      }
      case 'TCPRoute':
      case 'UDPRoute': {
        const holder = kept[0];
        if (holder) {
          const other = holder.route.view.ref;
          lose(a, `${where} already forwards to the older ${other.kind} ${other.namespace}/${other.name}; a ${a.listener.protocol} listener can follow one route`);
        } else {
          kept.push(a);
        }
        break;
      }
      case 'TLSRoute':
        kept.push(a);
        break;
    }
  }
  return kept;
}
