// Programs from Debian that tests and benchmarks run for real (iptables, ip, wrk, nginx…). What is
// missing is installed with apt-get when running as root; otherwise the run stops and says which
// packages to install, so nothing is skipped quietly.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface SystemTool {
  command: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  /**
   * Whether it is there, for programs Debian keeps off PATH (PostgreSQL's server binaries live in
   * /usr/lib/postgresql/<version>/bin); default: `command` is found on PATH.
   */
  installed?: () => boolean;
}

function isInstalled(tool: SystemTool): boolean {
  return tool.installed ? tool.installed() : hasCommand(tool.command);
}

/** PATH plus the sbin directories, which a non-root PATH may lack (iptables, nginx live there). */
function searchPath(): string {
  return `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
}

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { env: { ...process.env, PATH: searchPath() }, stdio: 'ignore' }).status === 0;
}

/** The absolute path of a tool (PATH plus the sbin directories). */
export function toolPath(command: string): string {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { env: { ...process.env, PATH: searchPath() }, encoding: 'utf8' });
  return result.stdout.trim() || command;
}

/**
 * A program kept in a per-version directory, as Debian does for PostgreSQL
 * (`/usr/lib/postgresql/15/bin/initdb`): the path in the highest version that has it.
 */
export function newestVersionedProgram(base: string, program: string): string | undefined {
  let versions: string[];
  try {
    versions = readdirSync(base).filter((v) => /^\d+(\.\d+)*$/.test(v));
  } catch {
    return undefined;
  }
  versions.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  for (const version of versions) {
    const path = join(base, version, 'bin', program);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not in this version (a client-only install, say): try the next.
    }
  }
  return undefined;
}

/** Installs the packages of missing tools (as root, with apt-get) or throws saying what to install. */
export function ensureSystemTools(tools: readonly SystemTool[], purpose: string, log: (line: string) => void): void {
  const missing = tools.filter((t) => !isInstalled(t));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((t) => t.debianPackage))];
  const isRoot = process.getuid?.() === 0;
  const hasApt = hasCommand('apt-get');
  if (!isRoot || !hasApt) {
    throw new Error(
      `${purpose} needs ${missing.map((t) => t.command).join(', ')}; install them with:\n` +
        `  sudo apt-get install -y ${packages.join(' ')}\n(or run as root on Debian/Ubuntu, where this is done for you)`,
    );
  }
  log(`installing ${packages.join(' ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): ReturnType<typeof spawnSync> =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, encoding: 'utf8' });
  let result = install();
  if (result.status !== 0) {
    // A fresh machine's package lists may be stale or empty.
    spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
    result = install();
  }
  if (result.status !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed:\n${String(result.stderr)}`);
  const still = tools.filter((t) => !isInstalled(t));
  if (still.length > 0) throw new Error(`still missing after apt-get: ${still.map((t) => t.command).join(', ')}`);
}
