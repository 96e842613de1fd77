// Structural checks the API server's schema would make before an object is stored, for the
// fields the translator walks: a list where a list belongs, an integer port. Without them a file
// with `rules: "x"` would reach the translator and break it; with them it is a manifest error
// naming the field, and (in file mode) the last good config stays.
import type { KubeObject } from './objects.js';

type Check = (value: unknown, path: string, problems: string[]) => void;

const list =
  (item?: Check): Check =>
  (value, path, problems) => {
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      problems.push(`${path} must be a list`);
      return;
    }
    if (item) value.forEach((v, i) => { item(v, `${path}[${i}]`, problems); });
  };

const object =
  (fields: Record<string, Check>): Check =>
  (value, path, problems) => {
    if (value === undefined) return;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${path} must be an object`);
      return;
    }
    for (const [name, check] of Object.entries(fields)) check((value as Record<string, unknown>)[name], `${path}.${name}`, problems);
  };

const integer: Check = (value, path, problems) => {
  if (value !== undefined && !Number.isInteger(value)) problems.push(`${path} must be an integer`);
};

const backendRef = object({ port: integer, weight: integer, filters: list() });
const routeRule = object({ matches: list(), filters: list(), backendRefs: list(backendRef) });
const routeSpec = object({ parentRefs: list(object({ port: integer })), hostnames: list(), rules: list(routeRule) });

const selector = object({ matchLabels: object({}), matchExpressions: list(object({ values: list() })) });
const listener = object({
  port: integer,
  allowedRoutes: object({ kinds: list(), namespaces: object({ selector }) }),
  tls: object({ certificateRefs: list(), options: object({}) }),
});
const gatewaySpec = object({ listeners: list(listener), addresses: list() });

const SHAPES: Record<string, Check> = {
  HTTPRoute: routeSpec,
  GRPCRoute: routeSpec,
  TLSRoute: routeSpec,
  TCPRoute: routeSpec,
  UDPRoute: routeSpec,
  Gateway: gatewaySpec,
  Service: object({ ports: list(object({ port: integer })), clusterIPs: list() }),
  EndpointSlice: list(object({ port: integer })),
};

/** Every structural problem of the fields the translator reads; empty when none. */
export function shapeProblems(obj: KubeObject): string[] {
  const check = SHAPES[obj.kind];
  if (!check) return [];
  const problems: string[] = [];
  if (obj.kind === 'EndpointSlice') {
    check(obj['ports'], 'ports', problems);
    list(object({ addresses: list() }))(obj['endpoints'], 'endpoints', problems);
  } else {
    check(obj['spec'], 'spec', problems);
  }
  return problems;
}
