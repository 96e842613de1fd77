// One IR match compiled into the list of conditions a request must all pass, each able to say in
// plain words why a request failed it. Compiled once per match object (WeakMap), so regexes are
// built when a table arrives, never per request, and dropped with the table.
import type { HttpMatchIR, PathMatch, StringMatch } from '../../src/ir/index.js';
import { pathHasPrefix } from './path-prefix.js';
import type { PreparedRequest } from './prepare.js';
import { compileAnchored } from './regex.js';

export type ConditionKind = 'path' | 'grpc' | 'grpcService' | 'grpcMethod' | 'method' | 'header' | 'queryParam';

export interface MatchCondition {
  kind: ConditionKind;
  /** Header or query parameter name, for those kinds. */
  name?: string;
  test(req: PreparedRequest): boolean;
  /** Why `req` fails this condition; only meaningful when `test(req)` is false. */
  whyNot(req: PreparedRequest): string;
}

const compiled = new WeakMap<HttpMatchIR, readonly MatchCondition[]>();

/**
 * The conditions of `match`, in the order failures are reported: path, gRPC service/method,
 * method, headers, query parameters (the order a reader scans a route in).
 */
export function conditionsOf(match: HttpMatchIR): readonly MatchCondition[] {
  let conditions = compiled.get(match);
  if (!conditions) {
    conditions = compileMatch(match);
    compiled.set(match, conditions);
  }
  return conditions;
}

function compileMatch(match: HttpMatchIR): MatchCondition[] {
  const conditions: MatchCondition[] = [];
  if (match.path) conditions.push(pathCondition(match.path));
  if (match.grpc && (match.grpc.service || match.grpc.method)) {
    conditions.push(grpcShapeCondition());
    if (match.grpc.service) conditions.push(grpcPartCondition('grpcService', match.grpc.service));
    if (match.grpc.method) conditions.push(grpcPartCondition('grpcMethod', match.grpc.method));
  }
  if (match.method !== undefined) conditions.push(methodCondition(match.method));
  // The spec: of entries with an equivalent name only the first counts. The translator should
  // already have dropped the rest; skipping them here keeps the proxy right if it did not.
  const seenHeaders = new Set<string>();
  for (const h of match.headers) {
    const name = h.name.toLowerCase();
    if (seenHeaders.has(name)) continue;
    seenHeaders.add(name);
    conditions.push(valueCondition('header', name, h, (req) => req.header(name)));
  }
  const seenParams = new Set<string>();
  for (const q of match.queryParams) {
    if (seenParams.has(q.name)) continue;
    seenParams.add(q.name);
    conditions.push(valueCondition('queryParam', q.name, q, (req) => req.queryParam(q.name)));
  }
  return conditions;
}

function pathCondition(path: PathMatch): MatchCondition {
  switch (path.type) {
    case 'Exact':
      return {
        kind: 'path',
        test: (req) => req.path === path.value,
        whyNot: (req) => `path: ${quote(req.path)} is not exactly ${quote(path.value)}`,
      };
    case 'PathPrefix':
      return {
        kind: 'path',
        test: (req) => pathHasPrefix(req.path, path.value),
        whyNot: (req) => `path: ${quote(req.path)} is not under prefix ${quote(path.value)}`,
      };
    case 'RegularExpression': {
      const regex = compileAnchored(path.value);
      if (!regex.ok) return neverCondition('path', undefined, `path: ${invalidRegex(regex.pattern, regex.error)}`);
      return {
        kind: 'path',
        test: (req) => regex.test(req.path),
        whyNot: (req) => `path: ${quote(req.path)} does not match regex ${quote(path.value)}`,
      };
    }
  }
}

function grpcShapeCondition(): MatchCondition {
  return {
    kind: 'grpc',
    test: (req) => req.grpc !== undefined,
    whyNot: (req) => `gRPC: path ${quote(req.path)} is not /<service>/<method>`,
  };
}

function grpcPartCondition(kind: 'grpcService' | 'grpcMethod', want: StringMatch): MatchCondition {
  const label = kind === 'grpcService' ? 'gRPC service' : 'gRPC method';
  const part = (req: PreparedRequest): string | undefined =>
    kind === 'grpcService' ? req.grpc?.service : req.grpc?.method;
  return valueConditionWith(kind, undefined, label, want, part);
}

function methodCondition(method: string): MatchCondition {
  return {
    kind: 'method',
    test: (req) => req.method === method,
    whyNot: (req) => `method: want ${method}, got ${req.method}`,
  };
}

function valueCondition(
  kind: 'header' | 'queryParam',
  name: string,
  want: StringMatch,
  value: (req: PreparedRequest) => string | undefined,
): MatchCondition {
  const label = kind === 'header' ? `header ${name}` : `query param ${name}`;
  return valueConditionWith(kind, name, label, want, value);
}

/** A string compared Exact (case-sensitive) or by anchored regex; absent never matches. */
function valueConditionWith(
  kind: ConditionKind,
  name: string | undefined,
  label: string,
  want: StringMatch,
  value: (req: PreparedRequest) => string | undefined,
): MatchCondition {
  const got = (req: PreparedRequest): string => {
    const v = value(req);
    return v === undefined ? '(absent)' : quote(v);
  };
  const base = name === undefined ? { kind } : { kind, name };
  if (want.type === 'Exact') {
    return {
      ...base,
      test: (req) => value(req) === want.value,
      whyNot: (req) => `${label}: want ${quote(want.value)}, got ${got(req)}`,
    };
  }
  const regex = compileAnchored(want.value);
  if (!regex.ok) return neverCondition(kind, name, `${label}: ${invalidRegex(regex.pattern, regex.error)}`);
  return {
    ...base,
    test: (req) => {
      const v = value(req);
      return v !== undefined && regex.test(v);
    },
    whyNot: (req) => `${label}: want a match of regex ${quote(want.value)}, got ${got(req)}`,
  };
}

function neverCondition(kind: ConditionKind, name: string | undefined, reason: string): MatchCondition {
  return { ...(name === undefined ? { kind } : { kind, name }), test: () => false, whyNot: () => reason };
}

function invalidRegex(pattern: string, error: string): string {
  return `regex ${quote(pattern)} does not compile (${error}), so it never matches`;
}

/** JSON quoting shows control characters and quotes unambiguously in reasons. */
function quote(s: string): string {
  return JSON.stringify(s);
}
