// Installs and removes a pod's interception rules: pick the backend, read what is there, and send
// one iptables-restore transaction per IP family that replaces our chains and jumps. Re-applying is
// idempotent (old jumps are deleted in the same transaction) and never leaves traffic unredirected.
import {
  detectBackend,
  ipv6Wanted,
  restoreNoflush,
  saveNat,
  workingBackends,
  type BackendChoice,
  type BackendName,
  type Ipv6Choice,
} from './backend.js';
import type { InterceptionPlan, IpFamily } from './plan.js';
import { assertValidPlan, cleanText, hasOwnChains, jumpsIntoOwnChains, restoreText } from './rules.js';
import { hostRunner, type CommandRunner } from './runner.js';

export interface InterceptionOptions {
  /** Default `auto`: the backend that already holds rules, else the one `iptables` is, else nft, else legacy. */
  backend?: BackendChoice;
  /** Default `auto`: IPv6 rules when ip6tables works and IPv6 is enabled in the namespace. */
  ipv6?: Ipv6Choice;
  /** Default: run commands here (hostRunner); netnsRunner(name) acts on another namespace. */
  runner?: CommandRunner;
  /** How long iptables-restore waits for the xtables lock (legacy), in seconds. Default 10. */
  lockWaitSeconds?: number;
}

export interface AppliedInterception {
  backend: BackendName;
  families: IpFamily[];
}

export interface CleanedInterception {
  /** Where Sidelane's rules were found and removed; empty when there were none. */
  removed: { backend: BackendName; family: IpFamily }[];
}

/** Installs (or replaces) the plan's rules. Throws IptablesError (bad plan, no backend, restore failed). */
export async function applyInterception(plan: InterceptionPlan, options: InterceptionOptions = {}): Promise<AppliedInterception> {
  assertValidPlan(plan); // before any command runs: a bad plan changes nothing
  const runner = options.runner ?? hostRunner();
  const backend = await detectBackend(runner, options.backend ?? 'auto');
  const families: IpFamily[] = ['ipv4'];
  if (await ipv6Wanted(runner, backend, options.ipv6 ?? 'auto')) families.push('ipv6');
  for (const family of families) {
    const current = await saveNat(runner, backend, family);
    await restoreNoflush(runner, backend, family, restoreText(plan, family, { deleteFirst: jumpsIntoOwnChains(current) }), options.lockWaitSeconds);
  }
  return { backend, families };
}

/**
 * Removes Sidelane's jumps and chains. With backend `auto` it looks in every working backend, so
 * it finds rules whichever backend installed them. Idempotent: nothing installed is not an error.
 */
export async function cleanInterception(options: InterceptionOptions = {}): Promise<CleanedInterception> {
  const runner = options.runner ?? hostRunner();
  const choice = options.backend ?? 'auto';
  const backends = choice === 'auto' ? await workingBackends(runner) : [await detectBackend(runner, choice)];
  const removed: CleanedInterception['removed'] = [];
  for (const backend of backends) {
    const families: IpFamily[] = ['ipv4'];
    // Rules may be present even if IPv6 was since disabled, so `auto` only asks whether ip6tables works.
    if (options.ipv6 !== 'off' && (await ip6tablesWorks(runner, backend))) families.push('ipv6');
    for (const family of families) {
      const current = await saveNat(runner, backend, family);
      if (!hasOwnChains(current)) continue;
      await restoreNoflush(runner, backend, family, cleanText(jumpsIntoOwnChains(current)), options.lockWaitSeconds);
      removed.push({ backend, family });
    }
  }
  return { removed };
}

async function ip6tablesWorks(runner: CommandRunner, backend: BackendName): Promise<boolean> {
  try {
    await saveNat(runner, backend, 'ipv6');
    return true;
  } catch {
    return false;
  }
}
