// `sidelane iptables apply|clean|print`: the pod's transparent interception, as the injected init
// container runs it (in the pod's network namespace, as root with NET_ADMIN). `print` shows the
// exact iptables-restore input without touching anything.
import type { Command } from 'commander';
import { applyInterception, cleanInterception } from '../../sidecar/iptables/apply.js';
import type { BackendChoice, Ipv6Choice } from '../../sidecar/iptables/backend.js';
import { IptablesError, IptablesErrorCode } from '../../sidecar/iptables/errors.js';
import { describeProblems, planFromFlags, type InterceptionFlags, type InterceptionPlan } from '../../sidecar/iptables/plan.js';
import { restoreText } from '../../sidecar/iptables/rules.js';
import type { CommandRunner } from '../../sidecar/iptables/runner.js';
import { ADMIN_PORT, INBOUND_PORT, OUTBOUND_PORT, PROXY_UID } from '../shared/pod-mesh.js';
import type { CliIo } from './io.js';

export type IptablesAction = 'apply' | 'clean' | 'print';

export interface IptablesCliFlags extends Required<InterceptionFlags> {
  ipv6: string;
  backend: string;
}

const BACKEND_CHOICES: readonly string[] = ['auto', 'nft', 'legacy'];
const IPV6_CHOICES: readonly string[] = ['auto', 'on', 'off'];

export function registerIptablesCommand(program: Command, io: CliIo): void {
  const iptables = program
    .command('iptables')
    .description("install or remove the pod's transparent interception (run by the sidelane-init container)");
  const actions: [IptablesAction, string][] = [
    ['apply', 'redirect the pod\'s TCP to the proxy (iptables-restore --noflush; re-applying replaces the rules)'],
    ['clean', 'remove Sidelane\'s chains and jumps (fine when none are installed)'],
    ['print', 'print the iptables-restore input (IPv4, then IPv6) without applying it'],
  ];
  for (const [action, description] of actions) {
    const command = iptables.command(action).description(description);
    if (action !== 'clean') addPlanOptions(command);
    command
      .option('--ipv6 <mode>', 'auto (when ip6tables works and IPv6 is enabled), on or off', 'auto')
      .option('--backend <backend>', 'auto (the one already holding rules, else the one iptables is), nft or legacy', 'auto')
      .action(async (flags: IptablesCliFlags) => {
        io.exitCode(await runIptables(action, flags, io));
      });
  }
}

function addPlanOptions(command: Command): void {
  command
    .option('--proxy-uid <uid>', "the proxy's UID: its own connections are not redirected", String(PROXY_UID))
    .option('--proxy-gid <gid>', "the proxy's GID: likewise", String(PROXY_UID))
    .option('--outbound-port <port>', "the proxy's outbound listener (on loopback)", String(OUTBOUND_PORT))
    .option('--inbound-port <port>', "the proxy's inbound listener", String(INBOUND_PORT))
    .option('--include-inbound-ports <ports>', "'*' (every port), a comma-separated list, or '' (no inbound redirect)", '*')
    .option('--exclude-inbound-ports <ports>', `inbound ports left alone, comma-separated (${ADMIN_PORT}, the admin port, always is)`, '')
    .option('--exclude-outbound-ports <ports>', 'destination ports reached directly, comma-separated', '')
    .option('--exclude-outbound-ip-ranges <cidrs>', 'destination CIDRs reached directly, comma-separated, IPv4 and IPv6', '');
}

/** Runs one action; returns the exit code (0 ok, 1 iptables failed, 2 bad flags). `runner` is for tests acting on another namespace. */
export async function runIptables(action: IptablesAction, flags: Partial<IptablesCliFlags>, io: CliIo, runner?: CommandRunner): Promise<number> {
  const prefix = `sidelane iptables ${action}`;
  const backend = flags.backend ?? 'auto';
  const ipv6 = flags.ipv6 ?? 'auto';
  const choiceErrors = [
    ...(BACKEND_CHOICES.includes(backend) ? [] : [`--backend "${backend}": want auto, nft or legacy [${IptablesErrorCode.BadChoice}]`]),
    ...(IPV6_CHOICES.includes(ipv6) ? [] : [`--ipv6 "${ipv6}": want auto, on or off [${IptablesErrorCode.BadChoice}]`]),
  ];
  let plan: InterceptionPlan | undefined;
  if (action !== 'clean') {
    const parsed = planFromFlags(flags);
    if (parsed.ok) plan = parsed.plan;
    else choiceErrors.push(...describeProblems(parsed.problems));
  }
  if (choiceErrors.length > 0) {
    for (const line of choiceErrors) io.err(`${prefix}: ${line}`);
    return 2;
  }
  const options = { backend: backend as BackendChoice, ipv6: ipv6 as Ipv6Choice, ...(runner ? { runner } : {}) };
  try {
    if (action === 'print' && plan) {
      io.out(restoreText(plan, 'ipv4'));
      if (ipv6 !== 'off') io.out(restoreText(plan, 'ipv6'));
    } else if (action === 'apply' && plan) {
      const applied = await applyInterception(plan, options);
      io.err(`${prefix}: installed with iptables-${applied.backend} for ${applied.families.map(familyName).join(' and ')}`);
    } else {
      const cleaned = await cleanInterception(options);
      const where = cleaned.removed.map((r) => `iptables-${r.backend} ${familyName(r.family)}`);
      io.err(`${prefix}: ${where.length === 0 ? 'nothing to remove' : `removed from ${where.join(', ')}`}`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof IptablesError)) throw error;
    io.err(`${prefix}: ${error.message} [${error.code}]`);
    return 1;
  }
}

function familyName(family: 'ipv4' | 'ipv6'): string {
  return family === 'ipv4' ? 'IPv4' : 'IPv6';
}
