// One balancer per backend Service port, kept across config versions so in-flight counts survive a
// push; endpoints come from the applied MeshView. Also the pass-through "cluster" of a single
// address (a destination that is no Service).
import type { EndpointIR, ServiceRef } from '../../src/ir/index.js';
import type { EndpointTransport, MeshView } from '../config/mesh-view.js';
import { Balancer, type BalancerAlgorithm, type Lease } from './balancer.js';

export class Clusters {
  readonly #algorithm: BalancerAlgorithm;
  readonly #random: () => number;
  #balancers = new Map<string, { balancer: Balancer; endpoints: readonly EndpointIR[] }>();
  #view: MeshView | undefined;

  constructor(options: { algorithm: BalancerAlgorithm; random: () => number }) {
    this.#algorithm = options.algorithm;
    this.#random = options.random;
  }

  /** A new config: balancers whose Service port is gone are dropped, the others updated lazily. */
  apply(view: MeshView): void {
    this.#view = view;
    for (const [key, entry] of this.#balancers) {
      const [ref, port, transport] = parseKey(key);
      const endpoints = view.endpoints(ref, port, transport);
      if (endpoints.length === 0 && !view.service(ref)) this.#balancers.delete(key);
      else if (endpoints !== entry.endpoints) {
        entry.balancer.update(endpoints);
        entry.endpoints = endpoints;
      }
    }
  }

  /**
   * An endpoint of the Service port for one request (or one UDP session), or undefined when none
   * is eligible. A UDP port is a cluster of its own: its endpoints may differ from a TCP port's.
   */
  pick(service: ServiceRef, port: number, exclude?: ReadonlySet<string>, transport: EndpointTransport = 'TCP'): Lease | undefined {
    const key = `${service.namespace}/${service.name}:${port}${transport === 'TCP' ? '' : `/${transport}`}`;
    let entry = this.#balancers.get(key);
    if (!entry) {
      const endpoints = this.#view?.endpoints(service, port, transport) ?? [];
      entry = { balancer: new Balancer(endpoints, { algorithm: this.#algorithm, random: this.#random }), endpoints };
      this.#balancers.set(key, entry);
    }
    return entry.balancer.pick(exclude);
  }
}

function parseKey(key: string): [ServiceRef, number, EndpointTransport] {
  const colon = key.lastIndexOf(':');
  const slash = key.indexOf('/');
  const [port = '', transport] = key.slice(colon + 1).split('/');
  return [{ namespace: key.slice(0, slash), name: key.slice(slash + 1, colon) }, Number(port), transport === 'UDP' ? 'UDP' : 'TCP'];
}
