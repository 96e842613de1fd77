// The translator: Kubernetes objects in, IR and status out. Pure: no I/O, no clock, no
// randomness; the same snapshot always gives the same result. The steps: Service frontends and
// endpoints; each route's own rules; parentRefs bound to Service ports and to Gateway listeners;
// tables merged per Service port and client group, and per Gateway port and hostname; status for
// every parentRef, GatewayClass and Gateway we own.
import type { V1Service } from '@kubernetes/client-node';
import {
  GATEWAY_CONTROLLER_NAME,
  IR_SCHEMA,
  serviceKey,
  type GatewayClassStatusIR,
  type GatewayStatusIR,
  type MeshIR,
  type RouteStatusIR,
  type ServiceIR,
} from '../ir/index.js';
import type { BackendContext } from './backends.js';
import { endpointSets } from './endpoints.js';
import type { GatewayTranslateOptions } from './gateway-model.js';
import { bindGatewayParent } from './gateway-parents.js';
import { buildGatewayClasses } from './gateway-ports.js';
import { settleGatewayRoutes, type RouteOnGateways } from './gateway-route-attach.js';
import { gatewayParentStatus } from './gateway-route-status.js';
import { gatewayStatuses, resolveGateways } from './gateways.js';
import { translateGrpcRoute } from './grpcroute.js';
import { translateHttpRoute } from './httproute.js';
import type { ClusterSnapshot, TranslateOptions } from './input.js';
import { translateTcpRoute, translateTlsRoute, translateUdpRoute } from './l4route.js';
import { bindServiceParent, type ParentBinding } from './parents.js';
import { compareStrings } from './precedence.js';
import { indexReferenceGrants } from './referencegrant.js';
import type { TranslatedRoute } from './routeview.js';
import { serviceFrontend, serviceRefOf } from './service.js';
import { routeStatus } from './status.js';
import { attachTables, buildTables, type Attachment } from './tables.js';

export type { ClusterSnapshot, TranslateOptions } from './input.js';
export { emptySnapshot } from './input.js';

export interface TranslationResult {
  ir: MeshIR;
  /** One entry per route that has at least one parentRef this controller owns; sorted by kind, namespace, name. */
  statuses: RouteStatusIR[];
  /** GatewayClasses whose controllerName is ours, sorted by name. */
  gatewayClassStatuses: GatewayClassStatusIR[];
  /** Gateways of those classes, sorted by namespace, name. */
  gatewayStatuses: GatewayStatusIR[];
}

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

type BackendsFor = Omit<BackendContext, 'routeKind' | 'routeNamespace'>;

export function translate(snapshot: ClusterSnapshot, options: Partial<TranslateOptions> = {}): TranslationResult {
  const clusterDomain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const gatewayOptions = gatewayOptionsOf(options);
  const services = [...snapshot.services].sort((a, b) => compareStrings(serviceKey(serviceRefOf(a)), serviceKey(serviceRefOf(b))));
  const frontends = services.map((svc) => serviceFrontend(svc, clusterDomain));
  const frontendByKey = new Map<string, ServiceIR>(frontends.map((f) => [serviceKey(f.ref), f]));
  const serviceByKey = new Map<string, V1Service>(services.map((s) => [serviceKey(serviceRefOf(s)), s]));

  // Each route is translated per backend context: mesh routes may reference Services in any
  // namespace without a ReferenceGrant (GEP-1294); routes on Gateways need one.
  const translators: ((backends: BackendsFor) => TranslatedRoute)[] = [
    ...snapshot.httpRoutes.map((r) => (b: BackendsFor) => translateHttpRoute(r, b)),
    ...snapshot.grpcRoutes.map((r) => (b: BackendsFor) => translateGrpcRoute(r, b)),
    ...snapshot.tlsRoutes.map((r) => (b: BackendsFor) => translateTlsRoute(r, b)),
    ...snapshot.tcpRoutes.map((r) => (b: BackendsFor) => translateTcpRoute(r, b)),
    ...snapshot.udpRoutes.map((r) => (b: BackendsFor) => translateUdpRoute(r, b)),
  ];
  const meshBackends: BackendsFor = { services: serviceByKey };
  const routes = translators.map((t) => t(meshBackends));

  const attachments: Attachment[] = [];
  const bindingsByRoute = new Map<TranslatedRoute, ParentBinding[]>();
  for (const route of routes) {
    const bindings = route.view.parentRefs.map((ref) => bindServiceParent(route.view, ref, frontendByKey));
    bindingsByRoute.set(route, bindings);
    // A route none of whose rules survived contributes nothing (and takes no port from others).
    if (route.rules.length === 0) continue;
    bindings.forEach((b, parentIndex) => {
      if (!b.owned || !b.ok) return;
      for (const port of b.ports) attachments.push({ route, parentIndex, service: b.service, port, group: b.group });
    });
  }
  const { tables, losses } = buildTables(attachments);

  const resolution = resolveGateways(snapshot, gatewayOptions);
  const gatewayBackends: BackendsFor = { services: serviceByKey, grants: indexReferenceGrants(snapshot.referenceGrants) };
  const onGateways = routes.map((route, i): RouteOnGateways | undefined => {
    const bindings = route.view.parentRefs.map((ref) => bindGatewayParent(route.view, ref, resolution));
    const translator = translators[i];
    if (!translator || !bindings.some((b) => b.owned)) return undefined;
    return { route: translator(gatewayBackends), bindings };
  });
  const settled = settleGatewayRoutes(onGateways.filter((g): g is RouteOnGateways => g !== undefined));

  const statuses = routes
    .map((route, i) => {
      const gateway = onGateways[i];
      return routeStatus({
        route,
        bindings: bindingsByRoute.get(route) ?? [],
        losses: losses.filter((l) => l.route === route),
        gatewayParents: gateway?.bindings.map((b, parentIndex) => gatewayParentStatus(gateway.route, b, parentIndex, settled.losses, gatewayOptions.gatewayControllerName)),
      });
    })
    .filter((s): s is RouteStatusIR => s !== undefined)
    .sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));

  const ir: MeshIR = {
    schema: IR_SCHEMA,
    clusterDomain,
    services: attachTables(frontends, tables),
    endpoints: endpointSets(services, snapshot.endpointSlices),
  };
  // Absent, not empty, without a class of ours: a mesh without Gateways keeps its IR version.
  if (resolution.classes.length > 0) ir.gateways = buildGatewayClasses(resolution, settled.served);
  return { ir, statuses, ...gatewayStatuses(resolution, snapshot, gatewayOptions, settled.attachedRoutes) };
}

function gatewayOptionsOf(options: Partial<TranslateOptions>): GatewayTranslateOptions {
  const out: GatewayTranslateOptions = {
    gatewayControllerName: options.gatewayControllerName ?? GATEWAY_CONTROLLER_NAME,
    gatewayServices: options.gatewayServices ?? {},
  };
  if (options.gatewayAddresses !== undefined) out.gatewayAddresses = options.gatewayAddresses;
  return out;
}
