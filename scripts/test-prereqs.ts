// What `npm test` needs from the system besides Node packages: the programs the interception and
// end-to-end suites run for real (iptables in network namespaces, iproute2, setpriv to drop to the
// proxy's UID, openssl for the test API server's PKI, a PostgreSQL server and psql for the gateway's
// TCP tests). Installed as root, else the run stops and says what to install.
import { ensureSystemTools, newestVersionedProgram, type SystemTool } from './system-packages.js';

const TEST_TOOLS: readonly SystemTool[] = [
  { command: 'iptables-restore', debianPackage: 'iptables' },
  { command: 'ip6tables-restore', debianPackage: 'iptables' },
  { command: 'ip', debianPackage: 'iproute2' },
  { command: 'setpriv', debianPackage: 'util-linux' },
  { command: 'openssl', debianPackage: 'openssl' },
  // Debian keeps the server off PATH, under /usr/lib/postgresql/<version>/bin.
  { command: 'initdb', debianPackage: 'postgresql', installed: () => newestVersionedProgram('/usr/lib/postgresql', 'initdb') !== undefined },
  { command: 'postgres', debianPackage: 'postgresql', installed: () => newestVersionedProgram('/usr/lib/postgresql', 'postgres') !== undefined },
  { command: 'psql', debianPackage: 'postgresql-client' },
];

try {
  ensureSystemTools(TEST_TOOLS, 'npm test', (line) => process.stderr.write(`${line}\n`));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
