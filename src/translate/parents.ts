// parentRefs → Service ports. A Service parent means the Service's frontend (GEP-1294): its
// ClusterIPs and names, on every port or on the one named by `port`/`sectionName`. The route is a
// producer route in the Service's namespace and a consumer route anywhere else.
import type { ParentRefIR, ServiceIR, ServicePortIR } from '../ir/index.js';
import { Reason } from './conditions.js';
import { routeKindFitsPort } from './protocol.js';
import type { ParentRefInput, RouteView } from './routeview.js';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** Which clients a route applies to: all of them (producer) or one namespace's (consumer). */
export type ClientGroup = { kind: 'producer' } | { kind: 'consumer'; namespace: string };

export type ParentBinding =
  | { owned: false }
  | {
      owned: true;
      parentRef: ParentRefIR;
      ok: true;
      service: ServiceIR;
      ports: ServicePortIR[];
      group: ClientGroup;
      /** Ports the parentRef named or covered but whose declared protocol the route cannot carry. */
      unfitPorts: ServicePortIR[];
    }
  | { owned: true; parentRef: ParentRefIR; ok: false; reason: string; message: string };

export function echoParentRef(ref: ParentRefInput): ParentRefIR {
  const out: ParentRefIR = { group: ref.group ?? GATEWAY_GROUP, kind: ref.kind ?? 'Gateway', name: ref.name };
  if (ref.namespace !== undefined) out.namespace = ref.namespace;
  if (ref.sectionName !== undefined) out.sectionName = ref.sectionName;
  if (ref.port !== undefined) out.port = ref.port;
  return out;
}

export function bindServiceParent(
  view: RouteView,
  ref: ParentRefInput,
  services: Map<string, ServiceIR>,
): ParentBinding {
  const parentRef = echoParentRef(ref);
  if (parentRef.kind !== 'Service') return { owned: false };
  const fail = (reason: string, message: string): ParentBinding => ({ owned: true, parentRef, ok: false, reason, message });
  if (parentRef.group !== '' && parentRef.group !== 'core') {
    // A parentRef without `group` defaults to gateway.networking.k8s.io, which has no Service
    // kind. Saying so beats silently treating it as a core Service (or silently ignoring it).
    return fail(
      Reason.NoMatchingParent,
      `parentRef kind Service has group ${JSON.stringify(parentRef.group)}; Kubernetes Services are in the core group: set group: ""`,
    );
  }
  const namespace = ref.namespace ?? view.ref.namespace;
  const service = services.get(`${namespace}/${ref.name}`);
  if (!service) return fail(Reason.NoMatchingParent, `Service ${namespace}/${ref.name} does not exist`);
  if (service.headless) {
    return fail(Reason.NoMatchingParent, `Service ${namespace}/${ref.name} is headless (clusterIP: None): it has no frontend to attach routes to`);
  }
  if (service.type === 'ExternalName') {
    return fail(Reason.NoMatchingParent, `Service ${namespace}/${ref.name} is an ExternalName Service, which cannot be a route parent (GEP-1294)`);
  }
  if (view.ref.kind === 'UDPRoute') {
    return fail(Reason.UnsupportedValue, 'UDPRoute on a Service parent is not supported by the Sidelane mesh');
  }
  const named = service.ports.filter(
    (p) => (ref.port === undefined || p.port === ref.port) && (ref.sectionName === undefined || p.name === ref.sectionName),
  );
  if (named.length === 0) {
    const wanted = [
      'port',
      ref.port !== undefined ? String(ref.port) : '',
      ref.sectionName !== undefined ? `named ${JSON.stringify(ref.sectionName)}` : '',
    ].filter(Boolean);
    return fail(Reason.NoMatchingParent, `Service ${namespace}/${ref.name} has no ${wanted.join(' ')}`);
  }
  const kind = view.ref.kind;
  const ports = named.filter((p) => routeKindFitsPort(kind, p.protocol, p.protocolSource));
  const unfitPorts = named.filter((p) => !ports.includes(p));
  if (ports.length === 0) {
    const desc = unfitPorts.map((p) => `${p.port} speaks ${p.protocol} (from ${p.protocolSource})`).join(', ');
    return fail(Reason.NoMatchingParent, `no port of Service ${namespace}/${ref.name} can carry a ${kind}: ${desc}`);
  }
  const group: ClientGroup =
    namespace === view.ref.namespace ? { kind: 'producer' } : { kind: 'consumer', namespace: view.ref.namespace };
  return { owned: true, parentRef, ok: true, service, ports, group, unfitPorts };
}
