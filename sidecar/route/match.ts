// The request matcher of an HTTP route table, shared by the proxy (matchHttp, on every request)
// and `sidelane explain` (explainHttp, which says for each entry why it did or did not match).
// Pure: no I/O; the first entry in the table's precedence order that matches decides the rule.
import type { HttpMatchEntry, HttpRouteTable, HttpRuleIR } from '../../src/ir/index.js';
import { conditionsOf, type ConditionKind } from './conditions.js';
import { prepareRequest, type PreparedRequest } from './prepare.js';
import type { HttpRequestFacts } from './request.js';

export type { HttpRequestFacts, NameValue, RequestTarget } from './request.js';
export { httpRequestFacts, normalizeRequestPath, parseQuery, parseRequestTarget } from './request.js';
export type { ConditionKind } from './conditions.js';
export type { PreparedRequest } from './prepare.js';
export { prepareRequest } from './prepare.js';

export interface HttpMatchResult {
  entry: HttpMatchEntry;
  /** Position of `entry` in `table.matches`. */
  index: number;
  rule: HttpRuleIR;
}

/** The first entry of `table` that matches `req`, or undefined (the proxy answers 404). */
export function matchHttp(table: HttpRouteTable, req: HttpRequestFacts | PreparedRequest): HttpMatchResult | undefined {
  const prepared = isPrepared(req) ? req : prepareRequest(req);
  for (const [index, entry] of table.matches.entries()) {
    const rule = table.rules[entry.rule];
    // An entry pointing past `rules` is an IR bug validate() reports; skipping it fails closed.
    if (!rule) continue;
    if (conditionsOf(entry.match).every((c) => c.test(prepared))) return { entry, index, rule };
  }
  return undefined;
}

export interface HttpEntryVerdict {
  index: number;
  entry: HttpMatchEntry;
  /** Undefined only for an invalid IR whose entry points past `rules`. */
  rule: HttpRuleIR | undefined;
  matched: boolean;
  /** The first condition the request failed, when it did not match. */
  failed?: { condition: ConditionKind | 'rule'; name?: string; reason: string };
}

export interface HttpExplanation {
  /** What matchHttp returns for the same request. */
  winner: HttpMatchResult | undefined;
  /** Every entry in table order, including those after the winner (they would never be reached). */
  entries: HttpEntryVerdict[];
}

export function explainHttp(table: HttpRouteTable, req: HttpRequestFacts | PreparedRequest): HttpExplanation {
  const prepared = isPrepared(req) ? req : prepareRequest(req);
  let winner: HttpMatchResult | undefined;
  const entries = table.matches.map((entry, index): HttpEntryVerdict => {
    const rule = table.rules[entry.rule];
    if (!rule) {
      const reason = `entry points at rule ${entry.rule}, but the table has ${table.rules.length} rules`;
      return { index, entry, rule, matched: false, failed: { condition: 'rule', reason } };
    }
    const failing = conditionsOf(entry.match).find((c) => !c.test(prepared));
    if (failing) {
      const failed = { condition: failing.kind, reason: failing.whyNot(prepared) };
      return { index, entry, rule, matched: false, failed: failing.name === undefined ? failed : { ...failed, name: failing.name } };
    }
    winner ??= { entry, index, rule };
    return { index, entry, rule, matched: true };
  });
  return { winner, entries };
}

function isPrepared(req: HttpRequestFacts | PreparedRequest): req is PreparedRequest {
  return typeof (req as Partial<PreparedRequest>).header === 'function';
}
