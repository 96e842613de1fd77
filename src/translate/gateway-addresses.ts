// Where a class's Gateways are reached: every Gateway of a class is served by the one gateway
// deployment, so they share its addresses. Taken from the options (file mode: where `sidelane run`
// listens) or from the class's gateway Service: its LoadBalancer ingress, else its ClusterIPs.
import type { V1Service } from '@kubernetes/client-node';
import { serviceKey, type GatewayAddressIR } from '../ir/index.js';
import type { ClusterSnapshot } from './input.js';
import type { GatewayTranslateOptions } from './gateway-model.js';
import { serviceRefOf } from './service.js';

export type AddressOutcome = { ok: true; addresses: GatewayAddressIR[] } | { ok: false; message: string };

export function classAddresses(className: string, snapshot: ClusterSnapshot, options: GatewayTranslateOptions): AddressOutcome {
  if (options.gatewayAddresses !== undefined) {
    const addresses = dedupe(options.gatewayAddresses.map((a) => ({ type: a.type, value: a.value })));
    return addresses.length > 0 ? { ok: true, addresses } : { ok: false, message: 'No gateway address is configured' };
  }
  const ref = options.gatewayServices[className];
  if (ref === undefined) {
    return {
      ok: false,
      message: `No gateway Service is configured for GatewayClass ${className}, so its address is unknown`,
    };
  }
  const key = serviceKey(ref);
  const svc = snapshot.services.find((s) => serviceKey(serviceRefOf(s)) === key);
  if (svc === undefined) {
    return { ok: false, message: `Waiting for Service ${key}, which fronts the gateway deployment of GatewayClass ${className}` };
  }
  const addresses = serviceAddresses(svc);
  if (addresses.length > 0) return { ok: true, addresses };
  return {
    ok: false,
    message: `Service ${key} (in front of the gateway deployment) has neither a LoadBalancer ingress nor a ClusterIP yet`,
  };
}

/** LoadBalancer ingress (IP or hostname) when the load balancer has one, else the ClusterIPs. */
function serviceAddresses(svc: V1Service): GatewayAddressIR[] {
  const ingress: GatewayAddressIR[] = [];
  for (const i of svc.status?.loadBalancer?.ingress ?? []) {
    if (i.ip) ingress.push({ type: 'IPAddress', value: i.ip });
    else if (i.hostname) ingress.push({ type: 'Hostname', value: i.hostname });
  }
  if (ingress.length > 0) return dedupe(ingress);
  const clusterIPs = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return dedupe(clusterIPs.filter((ip) => ip !== '' && ip !== 'None').map((value) => ({ type: 'IPAddress' as const, value })));
}

function dedupe(addresses: GatewayAddressIR[]): GatewayAddressIR[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const key = `${a.type}/${a.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
