// Service backends: the endpoints of each Service port, gathered from all of the Service's
// EndpointSlices and joined to Service ports by port name (how Kubernetes itself joins them).
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { EndpointIR, EndpointSetIR } from '../ir/index.js';
import { transportOf } from './protocol.js';
import { serviceRefOf } from './service.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export function endpointSets(services: V1Service[], slices: V1EndpointSlice[]): EndpointSetIR[] {
  const slicesByService = new Map<string, V1EndpointSlice[]>();
  for (const slice of slices) {
    const owner = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!owner || slice.addressType === 'FQDN') continue;
    const key = `${slice.metadata?.namespace ?? 'default'}/${owner}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), slice]);
  }
  return services.map((svc) => {
    const service = serviceRefOf(svc);
    const own = slicesByService.get(`${service.namespace}/${service.name}`) ?? [];
    return {
      service,
      ports: (svc.spec?.ports ?? [])
        .map((port) => {
          const transport = transportOf(port.protocol);
          return { servicePort: port.port, transport, name: port.name ?? '', endpoints: endpointsForPort(own, port.name ?? '', transport) };
        })
        .sort((a, b) => a.servicePort - b.servicePort || a.transport.localeCompare(b.transport)),
    };
  });
}

function endpointsForPort(slices: V1EndpointSlice[], portName: string, transport: string): EndpointIR[] {
  const byKey = new Map<string, EndpointIR>();
  for (const slice of slices) {
    const slicePort = (slice.ports ?? []).find(
      (p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP').toUpperCase() === transport,
    );
    if (slicePort?.port === undefined) continue;
    for (const ep of slice.endpoints) {
      // Unset conditions mean "unknown", which the API says to read as ready; serving follows
      // ready when absent (older controllers do not set it).
      const ready = ep.conditions?.ready ?? true;
      const serving = ep.conditions?.serving ?? ready;
      const terminating = ep.conditions?.terminating ?? false;
      for (const address of ep.addresses) {
        const endpoint: EndpointIR = { address, port: slicePort.port, ready, serving, terminating };
        if (ep.zone) endpoint.zone = ep.zone;
        if (ep.nodeName) endpoint.nodeName = ep.nodeName;
        if (ep.targetRef?.kind === 'Pod' && ep.targetRef.name) endpoint.pod = ep.targetRef.name;
        // The same address may sit in two slices while the controller moves it: keep one.
        byKey.set(`${address}|${slicePort.port}`, byKey.get(`${address}|${slicePort.port}`) ?? endpoint);
      }
    }
  }
  return [...byKey.values()].sort((a, b) => compareAddress(a.address, b.address) || a.port - b.port);
}

function compareAddress(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
