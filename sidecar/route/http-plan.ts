// What a matched rule does with one request, decided before any byte moves: answer it locally
// (redirect, CORS preflight, rule failure), or forward it — with which headers, path and authority,
// to which backend, mirrored where, with which response header changes. Pure, so the proxy and its
// tests agree on every filter's effect; the sidecar only executes the plan.
import type { HttpFilterIR, HttpMatchIR, HttpRuleIR, MirrorTargetIR, ServiceBackendIR } from '../../src/ir/index.js';
import { chooseWeighted } from '../backend/weighted.js';
import { corsDecision } from './cors.js';
import { applyHeaderModifier } from './header-modifier.js';
import { firstHeader, type NameValue } from './request.js';
import { modifiedPath, redirectLocation } from './rewrite.js';

export interface PlanInput {
  method: string;
  /** Path as matched (normalized), without query. */
  path: string;
  /** Query as sent, without `?`. */
  rawQuery: string;
  /** The request target exactly as sent: forwarded untouched unless a filter rewrites the path. */
  rawTarget: string;
  /** Host / :authority as sent. */
  authority: string;
  /** End-to-end request headers (no Host, no pseudo-headers). */
  headers: NameValue[];
  scheme: 'http' | 'https';
  /** The Service port the client addressed (a redirect without port keeps it). */
  port: number;
  match: HttpMatchIR | undefined;
  /** Uniform in [0, 1): weighted backend choice and mirror fractions. */
  random: () => number;
}

export interface LocalAnswer {
  kind: 'answer';
  status: number;
  headers: NameValue[];
  /** Set when the answer is an error of the proxy's (x-sidelane-error). */
  error?: { code: string; message: string };
}

export interface ForwardPlan {
  kind: 'forward';
  backend: ServiceBackendIR;
  target: string;
  authority: string;
  headers: NameValue[];
  /** Applied to the response, in order. */
  responseHeaders: HttpFilterIR[];
  /** Extra response headers (CORS). */
  addResponseHeaders: NameValue[];
  mirrors: MirrorTargetIR[];
}

export interface InvalidBackendPlan {
  kind: 'invalid-backend';
  reason: string;
  message: string;
}

export type HttpPlan = LocalAnswer | ForwardPlan | InvalidBackendPlan;

export function planRequest(rule: HttpRuleIR, req: PlanInput): HttpPlan {
  if (rule.failure) {
    const { status, code, message } = rule.failure;
    return { kind: 'answer', status, headers: [], error: { code, message } };
  }
  let headers = req.headers;
  let authority = req.authority;
  let path: string | undefined;
  const responseHeaders: HttpFilterIR[] = [];
  const addResponseHeaders: NameValue[] = [];
  const mirrors: MirrorTargetIR[] = [];
  for (const filter of rule.filters) {
    switch (filter.type) {
      case 'RequestHeaderModifier':
        headers = applyHeaderModifier(headers, filter);
        break;
      case 'ResponseHeaderModifier':
        responseHeaders.push(filter);
        break;
      case 'URLRewrite':
        // The spec replaces the whole Host value (conformance: the backend sees exactly the hostname).
        if (filter.hostname !== undefined) authority = filter.hostname;
        if (filter.path) path = modifiedPath(req.path, filter.path, req.match);
        break;
      case 'RequestRedirect': {
        const location = redirectLocation(
          filter,
          { scheme: req.scheme, host: hostOf(req.authority), port: req.port, path: req.path, rawQuery: req.rawQuery },
          req.match,
        );
        return { kind: 'answer', status: filter.statusCode, headers: [['location', location]] };
      }
      case 'RequestMirror':
        if (chosen(filter.fraction.numerator, filter.fraction.denominator, req.random)) mirrors.push(filter.target);
        break;
      case 'CORS': {
        const decision = corsDecision(filter, {
          method: req.method,
          origin: firstHeader(headers, 'origin'),
          requestMethod: firstHeader(headers, 'access-control-request-method'),
          requestHeaders: firstHeader(headers, 'access-control-request-headers'),
        });
        if (decision.kind === 'preflight') return { kind: 'answer', status: decision.status, headers: decision.headers };
        addResponseHeaders.push(...decision.headers);
        break;
      }
    }
  }
  const backend = chooseWeighted(rule.backends, req.random);
  if (!backend) return { kind: 'invalid-backend', reason: 'NoBackend', message: 'the rule has no backend with a weight above 0' };
  if (backend.kind === 'Invalid') return { kind: 'invalid-backend', reason: backend.reason, message: backend.message };
  for (const filter of backend.filters) {
    if (filter.type === 'RequestHeaderModifier') headers = applyHeaderModifier(headers, filter);
    else if (filter.type === 'ResponseHeaderModifier') responseHeaders.push(filter);
    else if (filter.type === 'RequestMirror' && chosen(filter.fraction.numerator, filter.fraction.denominator, req.random)) {
      mirrors.push(filter.target);
    }
  }
  const target = path === undefined ? req.rawTarget : req.rawQuery === '' ? path : `${path}?${req.rawQuery}`;
  return { kind: 'forward', backend, target, authority, headers, responseHeaders, addResponseHeaders, mirrors };
}

function chosen(numerator: number, denominator: number, random: () => number): boolean {
  if (numerator >= denominator) return true;
  return numerator > 0 && random() * denominator < numerator;
}

function hostOf(authority: string): string {
  if (authority.startsWith('[')) return authority.slice(0, authority.indexOf(']') + 1);
  const colon = authority.lastIndexOf(':');
  return colon >= 0 ? authority.slice(0, colon) : authority;
}
