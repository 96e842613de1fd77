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
