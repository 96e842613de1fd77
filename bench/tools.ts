// The external programs the benchmark needs, all from Debian. Missing ones are installed with
// apt-get when running as root; otherwise the run stops and says which packages to install.
import { spawnSync } from 'node:child_process';
import { ensureSystemTools, toolPath, type SystemTool } from '../scripts/system-packages.js';

export const TOOLS: readonly SystemTool[] = [
  { command: 'wrk', debianPackage: 'wrk' },
  { command: 'h2load', debianPackage: 'nghttp2-client' },
  { command: 'nginx', debianPackage: 'nginx-light' },
  { command: 'haproxy', debianPackage: 'haproxy' },
  { command: 'taskset', debianPackage: 'util-linux' },
  // The gateway rows' self-signed certificate.
  { command: 'openssl', debianPackage: 'openssl' },
];

/** Installs what is missing (as root) or throws with the packages to install. */
export function ensureTools(log: (line: string) => void): void {
  // Installing nginx may start the distribution's own service; it is not ours and stays as is,
  // but it must not hold the ports we use: we only ever listen on ports the OS hands out.
  ensureSystemTools(TOOLS, 'the benchmark', log);
}

export { toolPath };

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
    // TLS is done by OpenSSL in all three: which builds matters for the gateway rows.
    openssl: first('openssl', ['version'], /OpenSSL (\S+)/),
    nodeOpenssl: process.versions.openssl,
  };
}
