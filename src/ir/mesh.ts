// The root of the IR: everything a proxy needs, in one serializable, comparable value.
import type { EndpointSetIR } from './endpoints.js';
import type { GatewayClassIR } from './gateway.js';
import type { ServiceIR } from './service.js';

/** Bumped on any incompatible change of the IR's shape; proxies refuse a schema they do not know. */
export const IR_SCHEMA = 'sidelane.io/ir/v1alpha1';

export interface MeshIR {
  schema: typeof IR_SCHEMA;
  clusterDomain: string;
  /** Sorted by namespace, name. */
  services: ServiceIR[];
  /** Sorted by namespace, name. */
  endpoints: EndpointSetIR[];
  /**
   * Gateway listeners per GatewayClass of ours, sorted by name. Absent when there are none, so a
   * mesh without Gateways has the same IR (and version) as before gateway mode existed.
   */
  gateways?: GatewayClassIR[];
}
