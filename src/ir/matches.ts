// Request matches, kept in the Gateway API's own vocabulary so `sidelane explain` and the proxy
// say the same thing the user wrote. Regular expressions are RE2 syntax (linear time), checked
// by the translator; the proxy can compile them without failing.

export interface StringMatch {
  type: 'Exact' | 'RegularExpression';
  value: string;
}

export interface PathMatch {
  /** PathPrefix matches whole path segments: /foo matches /foo and /foo/bar, not /foobar. */
  type: 'Exact' | 'PathPrefix' | 'RegularExpression';
  value: string;
}

export interface HeaderMatch extends StringMatch {
  /** Lower-cased: HTTP header names compare case-insensitively. */
  name: string;
}

export interface QueryParamMatch extends StringMatch {
  /** Case-sensitive, as the spec says. */
  name: string;
}

export interface GrpcMethodMatch {
  /** Absent means any service. */
  service?: StringMatch;
  /** Absent means any method. */
  method?: StringMatch;
}

/** One entry of a route's `matches`: every present field must match (AND). */
export interface HttpMatchIR {
  path?: PathMatch;
  method?: string;
  /** Sorted by name. */
  headers: HeaderMatch[];
  /** Sorted by name. */
  queryParams: QueryParamMatch[];
  /** GRPCRoute only. */
  grpc?: GrpcMethodMatch;
}
