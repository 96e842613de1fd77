// Backend endpoints of a Service, from its EndpointSlices, resolved per Service port
// (EndpointSlice ports carry the Service port's name, which is how the two are joined).
import type { ServiceRef } from './refs.js';

export interface EndpointIR {
  address: string;
  /** The port on the endpoint (the Service port's target, resolved by name). */
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  zone?: string;
  nodeName?: string;
  /** Pod name when the endpoint's targetRef is a Pod. */
  pod?: string;
}

export interface EndpointPortIR {
  /** Service port number this list serves. */
  servicePort: number;
  /** A Service may use one number for a TCP and a UDP port (DNS does): the pair is the key. */
  transport: 'TCP' | 'UDP' | 'SCTP';
  name: string;
  /** Sorted by address, then port. */
  endpoints: EndpointIR[];
}

export interface EndpointSetIR {
  service: ServiceRef;
  /** Sorted by servicePort, then transport. */
  ports: EndpointPortIR[];
}
