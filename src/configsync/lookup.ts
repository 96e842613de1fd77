// Which Services a subscribed destination names, from one IR: by ClusterIP, by DNS name as a
// client in the proxy's namespace would resolve it (search list `<ns>.svc.<domain> svc.<domain>
// <domain>`, ndots 5), or by endpoint address (inbound). Indexes are built once per IR version.
import { serviceKey, type EndpointSetIR, type MeshIR, type ServiceIR } from '../ir/index.js';
import { canonicalIp } from './addresses.js';

const NDOTS = 5;

export class ServiceLookup {
  readonly #byKey = new Map<string, ServiceIR>();
  readonly #endpointsByKey = new Map<string, EndpointSetIR>();
  readonly #byClusterIp = new Map<string, ServiceIR[]>();
  readonly #byFqdn = new Map<string, ServiceIR[]>();
  readonly #byEndpointAddress = new Map<string, ServiceIR[]>();
  readonly #domain: string;

  constructor(ir: MeshIR) {
    this.#domain = ir.clusterDomain.toLowerCase().replace(/\.$/, '');
    for (const service of ir.services) {
      this.#byKey.set(serviceKey(service.ref), service);
      for (const ip of service.clusterIPs) add(this.#byClusterIp, canonicalIp(ip), service);
      add(this.#byFqdn, this.#fqdnOf(service), service);
    }
    for (const set of ir.endpoints) {
      const key = serviceKey(set.service);
      this.#endpointsByKey.set(key, set);
      const service = this.#byKey.get(key);
      if (service === undefined) continue;
      const addresses = new Set(set.ports.flatMap((p) => p.endpoints.map((e) => canonicalIp(e.address))));
      for (const address of addresses) add(this.#byEndpointAddress, address, service);
    }
  }

  service(key: string): ServiceIR | undefined {
    return this.#byKey.get(key);
  }

  endpoints(key: string): EndpointSetIR | undefined {
    return this.#endpointsByKey.get(key);
  }

  /** The Services having this (canonical) ClusterIP: one in a real cluster. */
  byClusterIp(ip: string): readonly ServiceIR[] {
    return this.#byClusterIp.get(ip) ?? [];
  }

  /** The Service a client in `fromNamespace` reaches by this (lowercased, dot-less) name. */
  byHost(host: string, fromNamespace: string): readonly ServiceIR[] {
    for (const fqdn of this.#searchCandidates(host, fromNamespace)) {
      const found = this.#byFqdn.get(fqdn);
      if (found !== undefined) return found;
    }
    return [];
  }

  /** The Services one of whose endpoints is one of these addresses (a pod's IPs). */
  byEndpointAddress(addresses: readonly string[]): ServiceIR[] {
    const found = new Map<string, ServiceIR>();
    for (const address of addresses) {
      for (const service of this.#byEndpointAddress.get(canonicalIp(address) ?? address) ?? []) {
        found.set(serviceKey(service.ref), service);
      }
    }
    return [...found.values()];
  }

  /** The resolver's order: search domains first unless the name has ≥ ndots dots. */
  #searchCandidates(host: string, from: string): string[] {
    const domain = this.#domain;
    const searched = [`${host}.${from}.svc.${domain}`, `${host}.svc.${domain}`, `${host}.${domain}`];
    const dots = host.split('.').length - 1;
    return dots >= NDOTS ? [host, ...searched] : [...searched, host];
  }

  /** The Service's cluster DNS name, as the translator listed it (or as cluster DNS forms it). */
  #fqdnOf(service: ServiceIR): string {
    const suffix = `.svc.${this.#domain}`;
    const listed = service.hostnames.find((h) => h.toLowerCase().endsWith(suffix));
    return (listed ?? `${service.ref.name}.${service.ref.namespace}${suffix}`).toLowerCase();
  }
}

function add(index: Map<string, ServiceIR[]>, key: string | undefined, service: ServiceIR): void {
  if (key === undefined) return;
  const list = index.get(key);
  if (list === undefined) index.set(key, [service]);
  else list.push(service);
}
