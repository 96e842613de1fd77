// Which Services a subscribed destination names, from one IR: by ClusterIP, by DNS name as a
// client in the proxy's namespace would resolve it (search list `<ns>.svc.<domain> svc.<domain>
// <domain>`, ndots 5), or by endpoint address (inbound). Indexes are built once per IR version.
import { canonicalIp, searchNames, serviceFqdn, serviceKey, type EndpointSetIR, type MeshIR, type ServiceIR } from '../ir/index.js';


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
      add(this.#byFqdn, serviceFqdn(service, this.#domain), service);
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
    for (const { fqdn } of searchNames(host, fromNamespace, this.#domain)) {
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
}

function add(index: Map<string, ServiceIR[]>, key: string | undefined, service: ServiceIR): void {
  if (key === undefined) return;
  const list = index.get(key);
  if (list === undefined) index.set(key, [service]);
  else list.push(service);
}
