// Whether this machine can run tests that need root networking (network namespaces, iptables),
// and what to install when it cannot. Such a test fails under CI=true instead of being skipped,
// so a CI run never passes without having exercised the real kernel paths.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';

const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  ip: 'iproute2',
  setpriv: 'util-linux',
};

/** What keeps root-only network tests from running here (empty: nothing). `tools` are looked up in PATH. */
export function rootNetworkingProblems(tools: readonly string[] = ['ip', 'setpriv']): string[] {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('not running as root: network namespaces and iptables need root (run the tests as root, e.g. in a container with NET_ADMIN and SYS_ADMIN)');
  const missing = tools.filter((tool) => !onPath(tool));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((tool) => TOOL_PACKAGES[tool] ?? (tool.includes('tables') ? 'iptables' : tool)))];
    problems.push(`missing ${missing.join(', ')}: install them (Debian/Ubuntu: apt-get install ${packages.join(' ')})`);
  }
  return problems;
}

/**
 * Call first in a test needing root networking: true when it can run. Otherwise the test fails
 * (CI=true: a test that cannot run must not pass silently) or is skipped with the reason.
 */
export function requireRootNetworking(t: TestContext, tools?: readonly string[]): boolean {
  const problems = rootNetworkingProblems(tools);
  if (problems.length === 0) return true;
  const message = problems.join('; ');
  if (process.env.CI === 'true') throw new Error(`cannot run this test: ${message}`);
  t.skip(`cannot run: ${message} (fails when CI=true)`);
  return false;
}

function onPath(tool: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
