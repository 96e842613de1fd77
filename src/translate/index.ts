// The translator: Kubernetes objects in, IR and route status out. Pure: no I/O, no clock, no
// randomness; the same snapshot always gives the same result. The steps: Service frontends and
// endpoints; each route's own rules; parentRefs bound to Service ports; tables merged per port
// and client group; status for every parentRef we own.
import type { V1Service } from '@kubernetes/client-node';
import { IR_SCHEMA, serviceKey, type MeshIR, type RouteStatusIR, type ServiceIR } from '../ir/index.js';
import type { BackendContext } from './backends.js';
import { endpointSets } from './endpoints.js';
import { translateGrpcRoute } from './grpcroute.js';
import { translateHttpRoute } from './httproute.js';
import type { ClusterSnapshot, TranslateOptions } from './input.js';
import { translateTcpRoute, translateTlsRoute, translateUdpRoute } from './l4route.js';
import { bindServiceParent, type ParentBinding } from './parents.js';
import { compareStrings } from './precedence.js';
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
}

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

export function translate(snapshot: ClusterSnapshot, options: Partial<TranslateOptions> = {}): TranslationResult {
  const clusterDomain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const services = [...snapshot.services].sort((a, b) => compareStrings(serviceKey(serviceRefOf(a)), serviceKey(serviceRefOf(b))));
  const frontends = services.map((svc) => serviceFrontend(svc, clusterDomain));
  const frontendByKey = new Map<string, ServiceIR>(frontends.map((f) => [serviceKey(f.ref), f]));
  const serviceByKey = new Map<string, V1Service>(services.map((s) => [serviceKey(serviceRefOf(s)), s]));

  // Mesh routes may reference Services in any namespace without a ReferenceGrant (GEP-1294).
  const meshBackends: Omit<BackendContext, 'routeKind' | 'routeNamespace'> = { services: serviceByKey };
  const routes: TranslatedRoute[] = [
    ...snapshot.httpRoutes.map((r) => translateHttpRoute(r, meshBackends)),
    ...snapshot.grpcRoutes.map((r) => translateGrpcRoute(r, meshBackends)),
    ...snapshot.tlsRoutes.map((r) => translateTlsRoute(r, meshBackends)),
    ...snapshot.tcpRoutes.map((r) => translateTcpRoute(r, meshBackends)),
    ...snapshot.udpRoutes.map((r) => translateUdpRoute(r)),
  ];

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
  const statuses = routes
    .map((route) =>
      routeStatus({ route, bindings: bindingsByRoute.get(route) ?? [], losses: losses.filter((l) => l.route === route) }),
    )
    .filter((s): s is RouteStatusIR => s !== undefined)
    .sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));

  return {
    ir: {
      schema: IR_SCHEMA,
      clusterDomain,
      services: attachTables(frontends, tables),
      endpoints: endpointSets(services, snapshot.endpointSlices),
    },
    statuses,
  };
}
