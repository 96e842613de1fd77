// Service frontends: the addresses and names a client uses to reach a Service, and the
// protocol of each port. Route tables are attached later (tables.ts).
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { ServiceIR, ServicePortIR, ServiceRef, ServiceType } from '../ir/index.js';
import { portProtocol, transportOf } from './protocol.js';

export function serviceRefOf(svc: V1Service, defaultNamespace = 'default'): ServiceRef {
  return { namespace: svc.metadata?.namespace ?? defaultNamespace, name: svc.metadata?.name ?? '' };
}

/** The four DNS names a Service answers to in-cluster, shortest first. */
export function serviceHostnames(ref: ServiceRef, clusterDomain: string): string[] {
  const { name, namespace } = ref;
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.${clusterDomain}`];
}

export function serviceType(svc: V1Service): ServiceType {
  const t = svc.spec?.type;
  return t === 'NodePort' || t === 'LoadBalancer' || t === 'ExternalName' ? t : 'ClusterIP';
}

export function isHeadless(svc: V1Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

function clusterIPsOf(svc: V1Service): string[] {
  if (isHeadless(svc) || serviceType(svc) === 'ExternalName') return [];
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip) => ip !== '' && ip !== 'None');
}

export function servicePortIR(port: V1ServicePort): ServicePortIR {
  const proto = portProtocol(port);
  return {
    name: port.name ?? '',
    port: port.port,
    transport: transportOf(port.protocol),
    targetPort: port.targetPort ?? port.port,
    protocol: proto.protocol,
    protocolSource: proto.source,
    consumers: [],
  };
}

/** The frontend of one Service, without route tables. */
export function serviceFrontend(svc: V1Service, clusterDomain: string): ServiceIR {
  const ref = serviceRefOf(svc);
  return {
    ref,
    type: serviceType(svc),
    headless: isHeadless(svc),
    clusterIPs: clusterIPsOf(svc),
    hostnames: serviceHostnames(ref, clusterDomain),
    ports: (svc.spec?.ports ?? [])
      .map(servicePortIR)
      .sort((a, b) => a.port - b.port || a.transport.localeCompare(b.transport)),
  };
}
