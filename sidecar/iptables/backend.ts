// Which iptables a pod's rules go to, and running it. Nodes use either the nf_tables or the legacy
// kernel interface, and rules in the other one are invisible to the node's tools and may conflict,
// so (like Istio and Kubernetes' iptables-wrappers) we join the one that already holds rules.
import { IptablesError, IptablesErrorCode } from './errors.js';
import type { IpFamily } from './plan.js';
import type { CommandResult, CommandRunner } from './runner.js';

export type BackendName = 'nft' | 'legacy';
export type BackendChoice = 'auto' | BackendName;
export type Ipv6Choice = 'auto' | 'on' | 'off';

export const BACKENDS: readonly BackendName[] = ['nft', 'legacy'];

/** `iptables-nft-restore`, `ip6tables-legacy-save`, …: the variant-specific program names. */
export function program(backend: BackendName, family: IpFamily, tool: 'save' | 'restore'): string {
  return `${family === 'ipv4' ? 'iptables' : 'ip6tables'}-${backend}-${tool}`;
}

/**
 * The backend to use. `auto`: the one whose tables already hold more rules (counting IPv4 and
 * IPv6, as iptables-wrappers does); on a tie (typically an empty pod namespace) the one `iptables`
 * is linked to, else nft, else legacy, whichever works.
 */
export async function detectBackend(runner: CommandRunner, choice: BackendChoice = 'auto'): Promise<BackendName> {
  if (choice !== 'auto') {
    const probe = await runner.run(program(choice, 'ipv4', 'save'), []);
    if (probe.code !== 0) throw noBackend(runner, `--backend ${choice} was asked for, but ${failure(program(choice, 'ipv4', 'save'), probe)}`);
    return choice;
  }
  const counts = new Map<BackendName, number>();
  const failures: string[] = [];
  for (const backend of BACKENDS) {
    const v4 = await runner.run(program(backend, 'ipv4', 'save'), []);
    if (v4.code !== 0) {
      failures.push(failure(program(backend, 'ipv4', 'save'), v4));
      continue;
    }
    const v6 = await runner.run(program(backend, 'ipv6', 'save'), []);
    counts.set(backend, countRules(v4.stdout) + (v6.code === 0 ? countRules(v6.stdout) : 0));
  }
  const working = [...counts.keys()];
  if (working.length === 0) throw noBackend(runner, failures.join('; '));
  const [first, second] = working.map((backend) => ({ backend, rules: counts.get(backend) ?? 0 })).sort((a, b) => b.rules - a.rules);
  if (first && (second === undefined || first.rules > second.rules)) return first.backend;
  const linked = await linkedBackend(runner);
  if (linked !== undefined && working.includes(linked)) return linked;
  return working.includes('nft') ? 'nft' : 'legacy';
}

/** Every backend whose save command works here (what `clean --backend auto` looks at). */
export async function workingBackends(runner: CommandRunner): Promise<BackendName[]> {
  const working: BackendName[] = [];
  for (const backend of BACKENDS) {
    if ((await runner.run(program(backend, 'ipv4', 'save'), [])).code === 0) working.push(backend);
  }
  return working;
}

/**
 * Whether IPv6 rules are installed too. `auto`: when ip6tables of the backend works and IPv6 is
 * enabled in the namespace (/proc/sys/net/ipv6/conf/all/disable_ipv6 is 0); `on` insists.
 */
export async function ipv6Wanted(runner: CommandRunner, backend: BackendName, choice: Ipv6Choice = 'auto'): Promise<boolean> {
  if (choice === 'off') return false;
  const save = program(backend, 'ipv6', 'save');
  const probe = await runner.run(save, ['-t', 'nat']);
  if (choice === 'on') {
    if (probe.code !== 0) throw new IptablesError(IptablesErrorCode.NoIpv6, `--ipv6 on was asked for, but ${failure(save, probe)} in ${runner.where} (install ip6tables; Debian/Ubuntu: apt-get install iptables)`);
    return true;
  }
  if (probe.code !== 0) return false;
  const disabled = await runner.run('cat', ['/proc/sys/net/ipv6/conf/all/disable_ipv6']);
  return disabled.code === 0 && disabled.stdout.trim() === '0';
}

/** The nat table as iptables-save prints it. */
export async function saveNat(runner: CommandRunner, backend: BackendName, family: IpFamily): Promise<string> {
  const save = program(backend, family, 'save');
  const result = await runner.run(save, ['-t', 'nat']);
  if (result.code !== 0) throw new IptablesError(IptablesErrorCode.CommandFailed, `${failure(save, result)} in ${runner.where}`);
  return result.stdout;
}

/**
 * Applies restore input with `--noflush` (only what the text names changes), atomically per
 * table; waits for the xtables lock where the program supports it (legacy; nft has no such lock).
 */
export async function restoreNoflush(runner: CommandRunner, backend: BackendName, family: IpFamily, text: string, lockWaitSeconds = 10): Promise<void> {
  const restore = program(backend, family, 'restore');
  const help = await runner.run(restore, ['--help']);
  if (help.missing) throw new IptablesError(IptablesErrorCode.NoBackend, `${restore} is not installed in ${runner.where} (Debian/Ubuntu: apt-get install iptables)`);
  const wait = `${help.stdout}${help.stderr}`.includes('--wait') ? [`--wait=${lockWaitSeconds}`] : [];
  const args = ['--noflush', ...wait];
  const result = await runner.run(restore, args, text);
  if (result.code === 0) return;
  // iptables-restore names the failing line by number; quoting it saves the reader a lookup.
  const lineNumber = Number(/line:? (\d+) failed/i.exec(result.stderr)?.[1] ?? NaN);
  const line = Number.isInteger(lineNumber) ? text.split('\n')[lineNumber - 1] : undefined;
  const context = line === undefined ? '' : ` (line ${lineNumber}: ${line})`;
  throw new IptablesError(IptablesErrorCode.CommandFailed, `${failure(`${restore} ${args.join(' ')}`, result)} in ${runner.where}${context}`);
}

/** Rules (not policies or chain declarations) in iptables-save output. */
function countRules(saveText: string): number {
  return saveText.split('\n').filter((line) => line.startsWith('-')).length;
}

/** The backend plain `iptables` is (the distribution's alternative), from its --version. */
async function linkedBackend(runner: CommandRunner): Promise<BackendName | undefined> {
  const version = await runner.run('iptables', ['--version']);
  if (version.code !== 0) return undefined;
  if (version.stdout.includes('(nf_tables)')) return 'nft';
  if (version.stdout.includes('(legacy)')) return 'legacy';
  return undefined;
}

function failure(command: string, result: CommandResult): string {
  if (result.missing) return `${command.split(' ')[0] ?? command} is not installed`;
  return `${command} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim() || 'no output'}`;
}

function noBackend(runner: CommandRunner, detail: string): IptablesError {
  return new IptablesError(
    IptablesErrorCode.NoBackend,
    `no working iptables in ${runner.where}: ${detail}. Install iptables (Debian/Ubuntu: apt-get install iptables), and run as root or with NET_ADMIN and NET_RAW`,
  );
}
