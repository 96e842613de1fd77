// Backends a rule sends traffic to. An invalid backendRef is kept (with its weight) as an
// `Invalid` backend: the spec wants exactly that share of requests answered 500.
import type { HttpFilterIR } from './filters.js';
import type { ServiceRef } from './refs.js';

export interface ServiceBackendIR {
  kind: 'Service';
  service: ServiceRef;
  /** Service port; endpoints are looked up by it in the EndpointSet. */
  port: number;
  /** 0 means never chosen, but still shown (explain, config dump). */
  weight: number;
}

export interface InvalidBackendIR {
  kind: 'Invalid';
  weight: number;
  /** Stable reason, e.g. BackendNotFound, InvalidKind, RefNotPermitted, UnsupportedProtocol. */
  reason: string;
  message: string;
}

export type HttpBackendIR = (ServiceBackendIR & { filters: HttpFilterIR[] }) | InvalidBackendIR;
export type L4BackendIR = ServiceBackendIR | InvalidBackendIR;
