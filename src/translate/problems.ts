// What the translator found wrong with a route, gathered while translating and turned into
// status conditions at the end. Nothing here throws: bad input becomes one of these.

/** A rule that cannot be honoured as written and is left out (PartiallyInvalid / UnsupportedValue). */
export interface DroppedRule {
  index: number;
  name?: string;
  message: string;
}

/** A reference that did not resolve (ResolvedRefs=False); the rule stays, the backend answers 500. */
export interface RefProblem {
  reason: string;
  message: string;
}

export class RouteProblems {
  readonly dropped: DroppedRule[] = [];
  readonly refs: RefProblem[] = [];
  /** Fields accepted but not enforced (reported, never silently ignored). */
  readonly unsupported: string[] = [];

  dropRule(index: number, name: string | undefined, message: string): void {
    this.dropped.push(name === undefined ? { index, message } : { index, name, message });
  }

  ref(reason: string, message: string): void {
    this.refs.push({ reason, message });
  }
}

export function ruleLabel(index: number, name: string | undefined): string {
  return name ? `rule ${index} (${name})` : `rule ${index}`;
}
