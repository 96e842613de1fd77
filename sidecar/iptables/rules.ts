// The interception rules of a pod as iptables-restore input, one text per IP family. Pure: a plan
// in, text out, so `sidelane iptables print`, the golden tests and `apply` see the same rules. In
// the spirit of Linkerd's proxy-init and Istio's istio-iptables: own chains in the nat table, one
// jump into them from PREROUTING (inbound) and from OUTPUT (outbound).
import { ADMIN_PORT, ANNOTATIONS } from '../../src/shared/pod-mesh.js';
import { IptablesError, IptablesErrorCode } from './errors.js';
import { ipFamilyOf, validatePlan, type InterceptionPlan, type IpFamily } from './plan.js';

export const CHAINS = {
  inbound: 'SIDELANE_INBOUND',
  inRedirect: 'SIDELANE_IN_REDIRECT',
  output: 'SIDELANE_OUTPUT',
  outRedirect: 'SIDELANE_OUT_REDIRECT',
} as const;

const OWN_CHAINS: readonly string[] = Object.values(CHAINS);

export interface RestoreOptions {
  /**
   * Rules to delete in the same transaction, each `CHAIN rulespec` as iptables-save shows it after
   * `-A` (see jumpsIntoOwnChains): the jumps a previous apply left, so re-applying never duplicates
   * them and there is no moment without interception.
   */
  deleteFirst?: readonly string[];
}

/** iptables-restore input (for `--noflush`) that installs the plan's rules for one IP family. */
export function restoreText(plan: InterceptionPlan, family: IpFamily, options: RestoreOptions = {}): string {
  assertValidPlan(plan);
  const lines = [
    `# Sidelane transparent interception (${family === 'ipv4' ? 'IPv4' : 'IPv6'}), for iptables-restore --noflush.`,
    '# Only the SIDELANE_* chains (declaring a chain flushes it) and the jumps into them change;',
    '# every other rule of the nat table stays as it is.',
    '*nat',
    ...OWN_CHAINS.map((chain) => `:${chain} - [0:0]`),
    ...deletions(options.deleteFirst ?? []),
    ...inboundRules(plan),
    ...outboundRules(plan, family),
    ...jumps(plan),
    'COMMIT',
  ];
  return `${lines.join('\n')}\n`;
}

/** Throws IptablesError (code of the first problem, every problem attached) unless validatePlan finds nothing. */
export function assertValidPlan(plan: InterceptionPlan): void {
  const problems = validatePlan(plan);
  const first = problems[0];
  if (first === undefined) return;
  throw new IptablesError(first.code, `invalid interception plan: ${problems.map((p) => `${p.field} "${p.value}": ${p.message}`).join('; ')}`, problems);
}

/** iptables-restore input (for `--noflush`) that removes the interception: the jumps first, then the chains. */
export function cleanText(deleteFirst: readonly string[]): string {
  const lines = [
    '# Sidelane: remove transparent interception, for iptables-restore --noflush.',
    '*nat',
    ...deletions(deleteFirst),
    // Declaring flushes each chain (and creates a missing one), so the deletes below cannot fail
    // on rules still inside or on a chain that was never created.
    ...OWN_CHAINS.map((chain) => `:${chain} - [0:0]`),
    ...OWN_CHAINS.map((chain) => `-X ${chain}`),
    'COMMIT',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The rules of iptables-save output (its nat table) that jump from another chain into a SIDELANE_
 * chain, as `CHAIN rulespec`: what must go before the chains are replaced or deleted.
 */
export function jumpsIntoOwnChains(saveText: string): string[] {
  const found: string[] = [];
  let inNat = false;
  for (const line of saveText.split('\n')) {
    if (line.startsWith('*')) inNat = line.trim() === '*nat';
    if (!inNat || !line.startsWith('-A ')) continue;
    const rule = line.slice(3).trim();
    const chain = rule.split(/\s+/, 1)[0] ?? '';
    const target = /(?:^|\s)-[jg]\s+(\S+)/.exec(rule)?.[1] ?? '';
    if (!OWN_CHAINS.includes(chain) && OWN_CHAINS.includes(target)) found.push(rule);
  }
  return found;
}

/** Whether iptables-save output shows any trace of Sidelane's chains (so `clean` has work to do). */
export function hasOwnChains(saveText: string): boolean {
  return OWN_CHAINS.some((chain) => saveText.includes(chain));
}

function deletions(rules: readonly string[]): string[] {
  if (rules.length === 0) return [];
  for (const rule of rules) {
    // A rule comes from iptables-save; a line break would smuggle a second command into restore.
    if (/[\r\n]/.test(rule)) throw new IptablesError(IptablesErrorCode.CommandFailed, `refusing to delete a rule with a line break: ${JSON.stringify(rule)}`);
  }
  return ['# Remove the jumps a previous apply added: re-applying must not duplicate them.', ...rules.map((rule) => `-D ${rule}`)];
}

function inboundRules(plan: InterceptionPlan): string[] {
  if (plan.includeInboundPorts !== '*' && plan.includeInboundPorts.length === 0) {
    return ['# Inbound: include-inbound-ports is empty, so nothing arriving at the pod is redirected.'];
  }
  const excluded = uniqueSorted([ADMIN_PORT, ...plan.excludeInboundPorts]);
  const lines = [
    '# Inbound: TCP arriving at the pod is handed to the proxy\'s inbound listener, which reads the',
    '# original destination (SO_ORIGINAL_DST) to know which app port was meant.',
    `-A ${CHAINS.inRedirect} -p tcp -j REDIRECT --to-ports ${plan.inboundPort}`,
    `# Ports left alone come first, so they win over the included ones. ${ADMIN_PORT} is the proxy's admin`,
    '# port: the kubelet probes the proxy itself there and Prometheus scrapes it; the others are',
    `# excluded by the pod (${ANNOTATIONS.excludeInboundPorts}).`,
    ...excluded.map((port) => `-A ${CHAINS.inbound} -p tcp --dport ${port} -j RETURN`),
  ];
  if (plan.includeInboundPorts === '*') {
    lines.push('# Every other inbound TCP port goes through the proxy.', `-A ${CHAINS.inbound} -p tcp -j ${CHAINS.inRedirect}`);
  } else {
    lines.push(
      `# Only the ports the pod includes (${ANNOTATIONS.includeInboundPorts}) go through the proxy; the rest reach the app directly.`,
      ...uniqueSorted(plan.includeInboundPorts).map((port) => `-A ${CHAINS.inbound} -p tcp --dport ${port} -j ${CHAINS.inRedirect}`),
    );
  }
  return lines;
}

function outboundRules(plan: InterceptionPlan, family: IpFamily): string[] {
  const ranges = [...new Set(plan.excludeOutboundIpRanges.filter((range) => ipFamilyOf(range) === family).map((range) => canonicalRange(range, family)))];
  const lines = [
    '# Outbound: TCP the app opens is handed to the proxy\'s outbound listener on loopback, which',
    '# reads the original destination to route it.',
    `-A ${CHAINS.outRedirect} -p tcp -j REDIRECT --to-ports ${plan.outboundPort}`,
    '# The proxy\'s own connections (its UID or GID) go where they are addressed: redirecting them',
    '# back to the proxy would loop.',
    `-A ${CHAINS.output} -m owner --uid-owner ${plan.proxyUid} -j RETURN`,
    `-A ${CHAINS.output} -m owner --gid-owner ${plan.proxyGid} -j RETURN`,
    '# Loopback is the pod talking to itself (including to the proxy\'s listeners): not intercepted.',
    `-A ${CHAINS.output} -o lo -j RETURN`,
  ];
  const ports = uniqueSorted(plan.excludeOutboundPorts);
  if (ports.length > 0) {
    lines.push(
      `# Destination ports the pod excludes (${ANNOTATIONS.excludeOutboundPorts}) are reached directly.`,
      ...ports.map((port) => `-A ${CHAINS.output} -p tcp --dport ${port} -j RETURN`),
    );
  }
  if (ranges.length > 0) {
    lines.push(
      `# Destination ranges the pod excludes (${ANNOTATIONS.excludeOutboundIpRanges}) are reached directly.`,
      ...ranges.map((range) => `-A ${CHAINS.output} -d ${range} -j RETURN`),
    );
  }
  lines.push('# Everything else goes through the proxy.', `-A ${CHAINS.output} -j ${CHAINS.outRedirect}`);
  return lines;
}

function jumps(plan: InterceptionPlan): string[] {
  const inbound = plan.includeInboundPorts === '*' || plan.includeInboundPorts.length > 0;
  return [
    '# The only rules outside our chains: TCP enters them from the built-in chains. PREROUTING sees',
    '# connections arriving from the network, OUTPUT those the pod\'s processes open.',
    ...(inbound ? [`-A PREROUTING -p tcp -j ${CHAINS.inbound}`] : []),
    `-A OUTPUT -p tcp -j ${CHAINS.output}`,
  ];
}

function uniqueSorted(ports: readonly number[]): number[] {
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** A bare address becomes a host range; IPv6 is lower-cased, so duplicates in two spellings merge. */
function canonicalRange(range: string, family: IpFamily): string {
  const lower = range.toLowerCase();
  return lower.includes('/') ? lower : `${lower}/${family === 'ipv4' ? 32 : 128}`;
}
