// Problems `validate()` finds in an IR. Codes are stable (tests, alerts and NACK messages match on
// them); the message is for humans and may change. The path says where, JSON-path-ish:
// `services[3].ports[0].producer.rules[1]`.

/** Codes only `gateways` (gateway mode's listeners) can give; shared codes are in IR_PROBLEM_CODES. */
export const GATEWAY_PROBLEM_CODES = [
  'IR_UNSORTED_GATEWAY_CLASSES',
  'IR_DUPLICATE_GATEWAY_CLASS',
  /** A hostname pattern that is not `*`, `*.suffix` or a lower-case DNS name. */
  'IR_INVALID_HOSTNAME',
  /** Listeners of a port, or virtual hosts of a listener, not in hostname precedence order. */
  'IR_UNSORTED_HOSTNAMES',
  /** Two listeners of a port, or two virtual hosts of a listener, with the same hostname. */
  'IR_DUPLICATE_HOSTNAME',
  /** One Gateway listener (gateway and section name) served twice in a class. */
  'IR_DUPLICATE_LISTENER',
  /** A TLS Terminate listener without a certificate, or a certificate with an empty PEM. */
  'IR_MISSING_CERTIFICATE',
  /** A TLS Passthrough listener carrying certificates (it never terminates, so never uses them). */
  'IR_PASSTHROUGH_WITH_CERTIFICATE',
  /** A TLS listener with both HTTP hosts and a TLS table, or Passthrough with HTTP hosts. */
  'IR_INVALID_TLS_LISTENER',
] as const;

export const IR_PROBLEM_CODES = [
  /** `schema` is not the IR_SCHEMA this build understands. */
  'IR_UNKNOWN_SCHEMA',
  /** `clusterDomain` is empty or not a DNS name. */
  'IR_INVALID_CLUSTER_DOMAIN',
  /** A value has the wrong shape (missing list, object where a string belongs…). */
  'IR_MALFORMED',
  /** A namespace or name in a reference is empty. */
  'IR_INVALID_REF',
  'IR_UNSORTED_SERVICES',
  'IR_DUPLICATE_SERVICE',
  /** Ports of a Service or of a GatewayClass not sorted by port, then transport. */
  'IR_UNSORTED_PORTS',
  /** Two ports of a Service (or of a GatewayClass) with the same port number and transport. */
  'IR_DUPLICATE_PORT',
  /** A port number outside 1..65535 (Service, endpoint, backend, mirror, redirect or gateway port). */
  'IR_INVALID_PORT',
  /** A headless Service port carries route tables; it has no frontend to route from. */
  'IR_HEADLESS_WITH_ROUTES',
  'IR_UNSORTED_CONSUMERS',
  'IR_DUPLICATE_CONSUMER',
  'IR_UNSORTED_ENDPOINT_SETS',
  'IR_DUPLICATE_ENDPOINT_SET',
  'IR_UNSORTED_ENDPOINT_PORTS',
  'IR_DUPLICATE_ENDPOINT_PORT',
  'IR_UNSORTED_ENDPOINTS',
  'IR_DUPLICATE_ENDPOINT',
  /** A backend, mirror or endpoint set names a Service that is not in `services`. */
  'IR_UNKNOWN_SERVICE',
  /** A backend or mirror names a port its Service does not have. */
  'IR_UNKNOWN_SERVICE_PORT',
  /** A backend weight that is not an integer in 0..1000000. */
  'IR_INVALID_WEIGHT',
  /** A table lists a route of another kind than the table serves. */
  'IR_ROUTE_KIND_MISMATCH',
  /** A rule's id names a route the table does not list. */
  'IR_RULE_FROM_UNLISTED_ROUTE',
  /** A match entry's `rule` is not an index into the table's `rules`. */
  'IR_MATCH_RULE_OUT_OF_RANGE',
  /** A gRPC service/method match in a table not won by GRPCRoute. */
  'IR_GRPC_MATCH_OUTSIDE_GRPC_ROUTE',
  /** An Exact or PathPrefix path (match or rewrite) that does not start with `/`. */
  'IR_INVALID_PATH',
  /** A RegularExpression that RE2 cannot compile. */
  'IR_INVALID_REGEX',
  /** A header name that is empty or not an HTTP token. */
  'IR_INVALID_HEADER_NAME',
  /** A header name with upper-case letters (the IR stores them lower-cased). */
  'IR_HEADER_NAME_NOT_LOWERCASE',
  'IR_UNSORTED_MATCH_HEADERS',
  'IR_UNSORTED_MATCH_QUERY_PARAMS',
  /** A redirect status other than 301, 302, 303, 307, 308. */
  'IR_INVALID_REDIRECT_STATUS',
  /** A fraction whose denominator is not > 0 or whose numerator is not in 0..denominator. */
  'IR_INVALID_FRACTION',
  /** ReplacePrefixMatch in a rule that some non-PathPrefix match leads to. */
  'IR_REPLACE_PREFIX_WITHOUT_PATH_PREFIX',
  /** A negative or fractional timeout, a backend timeout longer than the request timeout, or a UDP idle timeout that is not > 0. */
  'IR_INVALID_TIMEOUT',
  /** Negative or fractional retry attempts or backoff, or a retry code outside 400..599. */
  'IR_INVALID_RETRY',
  /** A direct failure status outside 100..599. */
  'IR_INVALID_FAILURE_STATUS',
  ...GATEWAY_PROBLEM_CODES,
] as const;

export type IrProblemCode = (typeof IR_PROBLEM_CODES)[number];

export interface IrProblem {
  /** Where, e.g. `services[3].ports[0].producer.rules[1]`. */
  path: string;
  code: IrProblemCode;
  message: string;
}
