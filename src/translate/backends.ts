// backendRefs → IR backends. A Service backend means the Service's endpoints (GEP-1294's
// "backend" facet). A ref that does not resolve stays in the rule as an Invalid backend with
// its weight, so exactly its share of requests is answered 500, as the spec requires.
import type { V1Service } from '@kubernetes/client-node';
import type { InvalidBackendIR, ServiceBackendIR } from '../ir/index.js';
import { Reason } from './conditions.js';
import { serviceType } from './service.js';
import { portProtocol, transportOf } from './protocol.js';
import type { RouteProblems } from './problems.js';
import { referenceGrantAllows, type ReferenceGrantIndex } from './referencegrant.js';

export interface BackendRefInput {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
}

export interface BackendContext {
  routeKind: string;
  routeNamespace: string;
  services: Map<string, V1Service>;
  /** Mesh routes may reference any namespace (GEP-1294); Gateway routes need a ReferenceGrant. */
  grants?: ReferenceGrantIndex;
}

const CORE_GROUPS = new Set(['', 'core']);

export function resolveBackend(
  ref: BackendRefInput,
  ctx: BackendContext,
  problems: RouteProblems,
  where: string,
  /** The transport of the Service port to forward to: UDP for UDPRoute, TCP for every other kind. */
  transport: 'TCP' | 'UDP' = 'TCP',
): ServiceBackendIR | InvalidBackendIR {
  const weight = ref.weight ?? 1;
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Service';
  const namespace = ref.namespace ?? ctx.routeNamespace;
  const target = `${kind} ${namespace}/${ref.name}`;
  const invalid = (reason: string, message: string): InvalidBackendIR => {
    problems.ref(reason, `${where}: ${message}`);
    return { kind: 'Invalid', weight, reason, message };
  };

  if (!CORE_GROUPS.has(group) || kind !== 'Service') {
    return invalid(Reason.InvalidKind, `backendRef ${group || 'core'}/${kind} ${ref.name} is not supported; only core Services are`);
  }
  if (ctx.grants && namespace !== ctx.routeNamespace) {
    const allowed = referenceGrantAllows(ctx.grants, {
      fromGroup: 'gateway.networking.k8s.io',
      fromKind: ctx.routeKind,
      fromNamespace: ctx.routeNamespace,
      toGroup: '',
      toKind: 'Service',
      toNamespace: namespace,
      toName: ref.name,
    });
    if (!allowed) {
      return invalid(Reason.RefNotPermitted, `${target} is in another namespace and no ReferenceGrant there allows it`);
    }
  }
  const svc = ctx.services.get(`${namespace}/${ref.name}`);
  if (!svc) return invalid(Reason.BackendNotFound, `${target} does not exist`);
  if (serviceType(svc) === 'ExternalName') {
    return invalid(Reason.BackendNotFound, `${target} is an ExternalName Service, which a mesh must not route to (GEP-1294)`);
  }
  if (ref.port === undefined) {
    return invalid(Reason.BackendNotFound, `backendRef to ${target} has no port; a Service backend needs one`);
  }
  // A port number may exist on both transports (DNS has both): only the route's own is this backend.
  const port = (svc.spec?.ports ?? []).find((p) => p.port === ref.port && transportOf(p.protocol) === transport);
  if (!port) return invalid(Reason.BackendNotFound, `${target} has no ${transport} port ${ref.port}`);
  const proto = portProtocol(port);
  if (proto.unknownAppProtocol !== undefined) {
    return invalid(
      Reason.UnsupportedProtocol,
      `${target} port ${ref.port} has appProtocol ${proto.unknownAppProtocol}, which Sidelane does not support`,
    );
  }
  return { kind: 'Service', service: { namespace, name: ref.name }, port: ref.port, weight };
}
