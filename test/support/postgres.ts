// A throwaway PostgreSQL server for tests: Debian's binaries, a fresh cluster (initdb) in a temp
// dir, trust auth, listening on a free port of 127.0.0.1 only, its unix socket in the temp dir.
// As root the server runs as the `postgres` user the package creates (PostgreSQL refuses root).
// stop() shuts it down and removes the directory; missing binaries throw with what to install.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newestVersionedProgram, toolPath } from '../../scripts/system-packages.js';

export interface PsqlResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunningPostgres {
  host: string;
  port: number;
  /** A superuser; trust auth, so no password. */
  user: string;
  database: string;
  /**
   * Runs psql against this server (or `opts.host`/`opts.port`, e.g. a proxy in front of it) as
   * `user` on `database`, with `-X -w -v ON_ERROR_STOP=1` before `args`. Killed after 20 s.
   */
  psql(args: string[], opts?: { host?: string; port?: number }): Promise<PsqlResult>;
  stop(): Promise<void>;
}

const DEBIAN_BASE = '/usr/lib/postgresql';
const INSTALL_HINT = 'install PostgreSQL: apt-get install -y postgresql postgresql-client (npm test does this when run as root)';
const START_TIMEOUT_MS = 10_000;
const PSQL_TIMEOUT_MS = 20_000;
const USER = 'postgres';
const DATABASE = 'postgres';

interface Binaries {
  initdb: string;
  postgres: string;
  psql: string;
}

function binaries(): Binaries {
  const initdb = newestVersionedProgram(DEBIAN_BASE, 'initdb');
  const postgres = newestVersionedProgram(DEBIAN_BASE, 'postgres');
  if (initdb === undefined || postgres === undefined) throw new Error(`no PostgreSQL server under ${DEBIAN_BASE}/<version>/bin: ${INSTALL_HINT}`);
  const psql = newestVersionedProgram(DEBIAN_BASE, 'psql') ?? toolPath('psql');
  if (spawnSync(psql, ['--version'], { stdio: 'ignore' }).status !== 0) throw new Error(`no psql: ${INSTALL_HINT}`);
  return { initdb, postgres, psql };
}

/** Who the server runs as: this process, or the `postgres` system user when this is root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = spawnSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).stdout.trim();
  const [, , uid, gid] = entry.split(':');
  if (entry === '' || uid === undefined || gid === undefined) {
    throw new Error(`running as root, but there is no 'postgres' user to run the server as (PostgreSQL refuses root): ${INSTALL_HINT}`);
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => { resolve(port); });
    });
  });
}

/** Servers still running when the test process exits are killed and their directories removed. */
const leftovers = new Map<number, string>();
let exitHookInstalled = false;
function remember(pid: number, dir: string): void {
  leftovers.set(pid, dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [group, path] of leftovers) {
      killGroup(group, 'SIGKILL');
      rmSync(path, { recursive: true, force: true });
    }
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

export async function startPostgres(): Promise<RunningPostgres> {
  const bin = binaries();
  const owner = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'sidelane-pg-'));
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const asOwner = { cwd: dir, env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' }, ...(owner ?? {}) };
    const data = join(dir, 'data');
    const init = spawnSync(bin.initdb, ['-D', data, '-U', USER, '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C'], {
      ...asOwner,
      encoding: 'utf8',
      timeout: START_TIMEOUT_MS,
    });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status ?? init.signal ?? '?'}):\n${init.stderr}${init.stdout}`);
    // Only loopback TCP and the private socket: nothing else may log in.
    writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
    // A port picked a moment ago may be taken meanwhile: a few tries.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        const server = await startServer(bin.postgres, data, dir, port, asOwner);
        return running(bin.psql, port, dir, server);
      } catch (err) {
        if (attempt >= 3 || !/could not bind|address already in use/i.test((err as Error).message)) throw err;
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

interface SpawnAs {
  cwd: string;
  env: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

/** Starts the postmaster in its own process group; resolves once it accepts connections. */
function startServer(postgres: string, data: string, dir: string, port: number, as: SpawnAs): Promise<ChildProcess> {
  const settings = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '50',
    shared_buffers: '16MB',
    logging_collector: 'off',
  };
  const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const child = spawn(postgres, args, { ...as, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      reject(new Error(`postgres on 127.0.0.1:${port} ${why}:\n${log}`));
    };
    const timer = setTimeout(() => { fail(`did not start within ${START_TIMEOUT_MS} ms`); }, START_TIMEOUT_MS);
    const onOutput = (chunk: Buffer): void => {
      log = (log + chunk.toString('utf8')).slice(-8000);
      if (/database system is ready to accept connections/.test(log)) {
        clearTimeout(timer);
        child.stdout.off('data', onOutput);
        child.stderr.off('data', onOutput);
        // Keep draining: a full pipe would stall the server.
        child.stdout.resume();
        child.stderr.resume();
        if (child.pid !== undefined) remember(child.pid, dir);
        resolve(child);
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('error', (err) => { fail(`could not be spawned (${err.message})`); });
    child.once('exit', (code, signal) => { fail(`exited (${code ?? signal ?? '?'})`); });
  });
}

function running(psqlPath: string, port: number, dir: string, server: ChildProcess): RunningPostgres {
  const host = '127.0.0.1';
  let stopped: Promise<void> | undefined;
  return {
    host,
    port,
    user: USER,
    database: DATABASE,
    psql: (args, opts) => psql(psqlPath, [
      '-X', '-w', '-v', 'ON_ERROR_STOP=1',
      '-h', opts?.host ?? host, '-p', String(opts?.port ?? port), '-U', USER, '-d', DATABASE,
      ...args,
    ]),
    stop: () => (stopped ??= stop(server, dir)),
  };
}

/** Fast shutdown (SIGINT), SIGKILL to the group after 5 s, then the directory goes. */
async function stop(server: ChildProcess, dir: string): Promise<void> {
  const pid = server.pid;
  if (pid !== undefined && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise<void>((resolve) => server.once('exit', () => { resolve(); }));
    killGroup(pid, 'SIGINT');
    const timer = setTimeout(() => { killGroup(pid, 'SIGKILL'); }, 5000);
    await exited;
    clearTimeout(timer);
  }
  if (pid !== undefined) {
    killGroup(pid, 'SIGKILL');
    leftovers.delete(pid);
  }
  rmSync(dir, { recursive: true, force: true });
}

function psql(path: string, args: string[]): Promise<PsqlResult> {
  return new Promise((resolve, reject) => {
    // A stray PGPASSWORD/PGSERVICE of the developer's shell must not change what is tested.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
    const child = spawn(path, args, { env: { ...env, PGCONNECT_TIMEOUT: '5' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), PSQL_TIMEOUT_MS);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr: signal ? `${stderr}psql killed (${signal}) after ${PSQL_TIMEOUT_MS} ms\n` : stderr, code: code ?? -1 });
    });
  });
}
