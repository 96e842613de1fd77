// The `sidelane` processes the benchmark starts (the controller, the real sidecar): how to run the
// command (a fresh tsc build, as `npm run bench` does, or bin/sidelane.js through tsx), each child
// in its own process group with its output's tail kept for error messages, and all of them tracked
// so a failed or interrupted run still stops every one.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSidelane } from '../targets.js';

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  running(): boolean;
  /** The last lines it wrote (stdout and stderr). */
  output(): string;
}

export class Children {
  readonly #running = new Set<Child>();

  /** Starts `node <args>` (args begin with the entry script). */
  start(name: string, args: readonly string[]): Child {
    const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) throw new Error(`could not start ${name}`);
    let tail = '';
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-6000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const started: Child = {
      name,
      pid: child.pid,
      process: child,
      running: () => child.exitCode === null && child.signalCode === null,
      output: () => tail,
    };
    this.#running.add(started);
    child.once('exit', () => this.#running.delete(started));
    return started;
  }

  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(child: Child, graceMs = 5000): Promise<void> {
    if (!child.running()) return;
    const exited = new Promise<void>((resolve) => child.process.once('exit', () => { resolve(); }));
    killGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => { killGroup(child.pid, 'SIGKILL'); }, graceMs);
    await exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#running].map((c) => this.stop(c)));
  }

  /** For process 'exit', where nothing can be awaited. */
  killAllNow(): void {
    for (const c of this.#running) killGroup(c.pid, 'SIGKILL');
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * The script that runs `sidelane`: a tsc build in .cache/bench/dist (shared with `npm run bench`,
 * BENCH_BUILD=0 reuses it) with configsync.proto copied next to its loader, or bin/sidelane.js.
 */
export function sidelaneEntry(root: string, build: boolean, log: (line: string) => void): string {
  if (!build) return join(root, 'bin', 'sidelane.js');
  const entry = buildSidelane(root, log);
  const proto = join(dirname(entry), '..', 'configsync', 'configsync.proto');
  mkdirSync(dirname(proto), { recursive: true });
  copyFileSync(join(root, 'src', 'configsync', 'configsync.proto'), proto);
  return entry;
}

/** Whether this build of `sidelane` has the subcommand (`sidelane proxy` may not exist yet). */
export function hasSubcommand(entry: string, subcommand: string): boolean {
  if (!existsSync(entry)) return false;
  const result = spawnSync(process.execPath, [entry, subcommand, '--help'], { encoding: 'utf8', timeout: 30_000 });
  // An unknown subcommand with --help prints the program's usage and exits 0.
  return result.status === 0 && result.stdout.includes(`Usage: sidelane ${subcommand}`);
}
