// What to intercept in a pod: the proxy's identity and ports, and the user's exclusions (from the
// pod's annotations, passed as flags by the injector). Values are checked here, before anything
// reaches iptables-restore: a stray character in an annotation must not become a rule.
import { isIPv4, isIPv6 } from 'node:net';
import { INBOUND_PORT, OUTBOUND_PORT, PROXY_UID } from '../../src/shared/pod-mesh.js';
import { IptablesErrorCode, type PlanProblem } from './errors.js';

export interface InterceptionPlan {
  /** Connections made by this UID (the proxy's own) are never redirected. */
  proxyUid: number;
  /** Likewise for this GID. */
  proxyGid: number;
  /** Where outbound TCP is redirected (the proxy's outbound listener on loopback). */
  outboundPort: number;
  /** Where inbound TCP is redirected (the proxy's inbound listener). */
  inboundPort: number;
  /** '*': every inbound TCP port; a list: only those ports; an empty list: no inbound redirect. */
  includeInboundPorts: '*' | readonly number[];
  /** Inbound ports left alone (the admin port is always added). */
  excludeInboundPorts: readonly number[];
  /** Outbound destination ports left alone. */
  excludeOutboundPorts: readonly number[];
  /** Outbound destination ranges left alone: CIDRs (or bare addresses), IPv4 and IPv6 mixed. */
  excludeOutboundIpRanges: readonly string[];
}

/** The flags of `sidelane iptables`, as typed: numbers and comma-separated lists in strings. */
export interface InterceptionFlags {
  proxyUid?: string;
  proxyGid?: string;
  outboundPort?: string;
  inboundPort?: string;
  includeInboundPorts?: string;
  excludeInboundPorts?: string;
  excludeOutboundPorts?: string;
  excludeOutboundIpRanges?: string;
}

export type PlanResult = { ok: true; plan: InterceptionPlan } | { ok: false; problems: PlanProblem[] };

export type IpFamily = 'ipv4' | 'ipv6';

export const DEFAULT_PLAN: InterceptionPlan = {
  proxyUid: PROXY_UID,
  proxyGid: PROXY_UID,
  outboundPort: OUTBOUND_PORT,
  inboundPort: INBOUND_PORT,
  includeInboundPorts: '*',
  excludeInboundPorts: [],
  excludeOutboundPorts: [],
  excludeOutboundIpRanges: [],
};

const MAX_ID = 4294967294; // (uid_t)-1 means "no change" to the kernel, so it is not a real ID

/** Parses the flags into a plan, or lists every problem (not only the first). Absent flags take DEFAULT_PLAN's values. */
export function planFromFlags(flags: InterceptionFlags): PlanResult {
  const problems: PlanProblem[] = [];
  const id = (field: string, text: string | undefined, fallback: number): number =>
    text === undefined ? fallback : (parseId(field, text, problems) ?? fallback);
  const port = (field: string, text: string | undefined, fallback: number): number =>
    text === undefined ? fallback : (parsePort(field, text.trim(), problems) ?? fallback);
  const ports = (field: string, text: string | undefined): number[] =>
    csv(text).flatMap((item) => parsePort(field, item, problems) ?? []);

  const include = flags.includeInboundPorts?.trim();
  const plan: InterceptionPlan = {
    proxyUid: id('proxy-uid', flags.proxyUid, DEFAULT_PLAN.proxyUid),
    proxyGid: id('proxy-gid', flags.proxyGid, DEFAULT_PLAN.proxyGid),
    outboundPort: port('outbound-port', flags.outboundPort, DEFAULT_PLAN.outboundPort),
    inboundPort: port('inbound-port', flags.inboundPort, DEFAULT_PLAN.inboundPort),
    includeInboundPorts: include === undefined || include === '*' ? '*' : ports('include-inbound-ports', include),
    excludeInboundPorts: ports('exclude-inbound-ports', flags.excludeInboundPorts),
    excludeOutboundPorts: ports('exclude-outbound-ports', flags.excludeOutboundPorts),
    excludeOutboundIpRanges: csv(flags.excludeOutboundIpRanges).filter((range) => checkCidr('exclude-outbound-ip-ranges', range, problems)),
  };
  return problems.length === 0 ? { ok: true, plan } : { ok: false, problems };
}

/** Every problem of a plan built in code (or read from JSON): the generator refuses a plan with any. */
export function validatePlan(plan: InterceptionPlan): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const id = (field: string, value: unknown): void => {
    if (!(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_ID)) {
      problems.push(idProblem(field, String(value)));
    }
  };
  const port = (field: string, value: unknown): void => {
    if (!isPort(value)) problems.push(portProblem(field, String(value)));
  };
  id('proxy-uid', plan.proxyUid);
  id('proxy-gid', plan.proxyGid);
  port('outbound-port', plan.outboundPort);
  port('inbound-port', plan.inboundPort);
  if (plan.includeInboundPorts !== '*') {
    if (Array.isArray(plan.includeInboundPorts)) for (const p of plan.includeInboundPorts) port('include-inbound-ports', p);
    else problems.push(portProblem('include-inbound-ports', String(plan.includeInboundPorts)));
  }
  for (const p of plan.excludeInboundPorts) port('exclude-inbound-ports', p);
  for (const p of plan.excludeOutboundPorts) port('exclude-outbound-ports', p);
  for (const range of plan.excludeOutboundIpRanges) checkCidr('exclude-outbound-ip-ranges', range, problems);
  return problems;
}

/** The family of a CIDR (or bare address) that validatePlan accepts; undefined for anything else. */
export function ipFamilyOf(cidr: string): IpFamily | undefined {
  const match = /^([0-9A-Fa-f:.]+)(?:\/(\d{1,3}))?$/.exec(cidr);
  const address = match?.[1] ?? '';
  const prefix = match?.[2] === undefined ? undefined : Number(match[2]);
  if (isIPv4(address)) return prefix === undefined || prefix <= 32 ? 'ipv4' : undefined;
  if (isIPv6(address)) return prefix === undefined || prefix <= 128 ? 'ipv6' : undefined;
  return undefined;
}

/** The problems of a plan as lines for a terminal: `--flag "value": message [CODE]`. */
export function describeProblems(problems: readonly PlanProblem[]): string[] {
  return problems.map((p) => `--${p.field} "${p.value}": ${p.message} [${p.code}]`);
}

function csv(text: string | undefined): string[] {
  return (text ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function isPort(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
}

function parsePort(field: string, text: string, problems: PlanProblem[]): number | undefined {
  const value = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (isPort(value)) return value;
  problems.push(portProblem(field, text));
  return undefined;
}

function parseId(field: string, text: string, problems: PlanProblem[]): number | undefined {
  const value = /^\d{1,10}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (value <= MAX_ID) return value;
  problems.push(idProblem(field, text));
  return undefined;
}

function checkCidr(field: string, text: unknown, problems: PlanProblem[]): boolean {
  if (typeof text === 'string' && ipFamilyOf(text) !== undefined) return true;
  problems.push({
    code: IptablesErrorCode.BadCidr,
    field,
    value: typeof text === 'string' ? text : JSON.stringify(text),
    message: 'not an IP range: want an IPv4 or IPv6 address with an optional /prefix, e.g. 10.0.0.0/8 or fd00::/8',
  });
  return false;
}

function portProblem(field: string, value: string): PlanProblem {
  const message = value === '*' ? "'*' means every port and cannot be part of a list" : 'not a port: want an integer from 1 to 65535';
  return { code: IptablesErrorCode.BadPort, field, value, message };
}

function idProblem(field: string, value: string): PlanProblem {
  return { code: IptablesErrorCode.BadId, field, value, message: `not a user or group ID: want an integer from 0 to ${MAX_ID}` };
}
