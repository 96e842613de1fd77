// The external programs the benchmark needs, all from Debian. Missing ones are installed with
// apt-get when running as root; otherwise the run stops and says which packages to install.
import { spawnSync } from 'node:child_process';

interface Tool {
  command: string;
  /** The Debian package that provides it. */
  debianPackage: string;
}

export const TOOLS: readonly Tool[] = [
  { command: 'wrk', debianPackage: 'wrk' },
  { command: 'h2load', debianPackage: 'nghttp2-client' },
  { command: 'nginx', debianPackage: 'nginx-light' },
  { command: 'haproxy', debianPackage: 'haproxy' },
  { command: 'taskset', debianPackage: 'util-linux' },
];

function found(command: string): boolean {
  // nginx and haproxy live in /usr/sbin, which a non-root PATH may lack.
  const path = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
  return spawnSync('sh', ['-c', `command -v ${command}`], { env: { ...process.env, PATH: path }, stdio: 'ignore' }).status === 0;
}

/** Installs what is missing (as root) or throws with the packages to install. */
export function ensureTools(log: (line: string) => void): void {
  const missing = TOOLS.filter((t) => !found(t.command));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((t) => t.debianPackage))];
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new Error(
      `missing ${missing.map((t) => t.command).join(', ')}; install them with:\n` +
        `  sudo apt-get install -y ${packages.join(' ')}\n(or run npm run bench as root on Debian/Ubuntu)`,
    );
  }
  log(`installing ${packages.join(' ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, encoding: 'utf8' });
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
    result = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, encoding: 'utf8' });
  }
  if (result.status !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed:\n${result.stderr}`);
  // Installing nginx may start the distribution's own service; it is not ours and stays as is,
  // but it must not hold the ports we use: we only ever listen on ports the OS hands out.
  const still = TOOLS.filter((t) => !found(t.command));
  if (still.length > 0) throw new Error(`still missing after apt-get: ${still.map((t) => t.command).join(', ')}`);
}

/** The absolute path of a tool (PATH plus the sbin directories). */
export function toolPath(command: string): string {
  const path = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { env: { ...process.env, PATH: path }, encoding: 'utf8' });
  return result.stdout.trim() || command;
}

/** Version strings for the report, so numbers can be compared across machines. */
export function toolVersions(): Record<string, string> {
  const first = (cmd: string, args: string[], pattern: RegExp): string => {
    const r = spawnSync(toolPath(cmd), args, { encoding: 'utf8' });
    return pattern.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? 'unknown';
  };
  return {
    node: process.version,
    wrk: first('wrk', ['-v'], /wrk (\S+)/),
    h2load: first('h2load', ['--version'], /nghttp2\/(\S+)/),
    nginx: first('nginx', ['-v'], /nginx\/(\S+)/),
    haproxy: first('haproxy', ['-v'], /version (\S+)/),
  };
}
