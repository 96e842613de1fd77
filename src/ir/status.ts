// Route status as the translator computes it: conditions without lastTransitionTime (no clock in
// a pure function); the status writer adds times and leaves other controllers' entries alone.

export const MESH_CONTROLLER_NAME = 'sidelane.io/mesh-controller';

export interface ConditionIR {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration: number;
}

/** The parentRef exactly as the status must echo it (defaults applied). */
export interface ParentRefIR {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface RouteParentStatusIR {
  parentRef: ParentRefIR;
  controllerName: string;
  /** Sorted by type. */
  conditions: ConditionIR[];
}

export interface RouteStatusIR {
  kind: string;
  namespace: string;
  name: string;
  generation: number;
  parents: RouteParentStatusIR[];
}

/** GatewayClass status as the translator computes it (for classes whose controllerName is ours). */
export interface GatewayClassStatusIR {
  name: string;
  generation: number;
  /** Sorted by type. */
  conditions: ConditionIR[];
  /** Feature names (the spec's SupportedFeature values), sorted. */
  supportedFeatures: string[];
}

export interface GatewayAddressIR {
  type: 'IPAddress' | 'Hostname';
  value: string;
}

export interface ListenerStatusIR {
  name: string;
  /** Routes (of any namespace) accepted by this listener. */
  attachedRoutes: number;
  supportedKinds: { group: string; kind: string }[];
  /** Accepted, ResolvedRefs, Conflicted, Programmed; sorted by type. */
  conditions: ConditionIR[];
}

export interface GatewayStatusIR {
  namespace: string;
  name: string;
  generation: number;
  addresses: GatewayAddressIR[];
  /** Accepted, Programmed; sorted by type. */
  conditions: ConditionIR[];
  /** In the order of spec.listeners. */
  listeners: ListenerStatusIR[];
}
