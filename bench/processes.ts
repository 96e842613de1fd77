// The processes a benchmark run starts: each pinned to a core with taskset, each in its own process
// group so stopping it also stops what it forked (nginx workers), all tracked so that a failed or
// interrupted run still stops every one of them. Also reads what /proc says about them (RSS, CPU).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

export interface Started {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The last lines the process wrote to stdout/stderr, for error messages. */
  output(): string;
}

export interface StartOptions {
  name: string;
  /** Core (taskset -c) the process runs on. */
  core: number;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export class Processes {
  readonly #running = new Set<Started>();

  start(options: StartOptions): Started {
    const child = spawn('taskset', ['-c', String(options.core), options.command, ...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) throw new Error(`could not start ${options.name} (${options.command})`);
    let tail = '';
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const started: Started = { name: options.name, pid: child.pid, child, output: () => tail };
    this.#running.add(started);
    child.once('exit', () => this.#running.delete(started));
    return started;
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the process has exited. */
  async stop(started: Started, graceMs = 5000): Promise<void> {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      killGroup(started.pid, 'SIGKILL');
      return;
    }
    const exited = new Promise<void>((resolve) => started.child.once('exit', () => { resolve(); }));
    killGroup(started.pid, 'SIGTERM');
    const timer = setTimeout(() => { killGroup(started.pid, 'SIGKILL'); }, graceMs);
    await exited;
    clearTimeout(timer);
    // Whatever the leader left behind in its group (nginx workers) goes too.
    killGroup(started.pid, 'SIGKILL');
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#running].map((p) => this.stop(p)));
  }

  /** Synchronous last resort for process 'exit': no waiting possible there. */
  killAllNow(): void {
    for (const p of this.#running) killGroup(p.pid, 'SIGKILL');
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** A port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => { resolve(port); });
    });
  });
}

/** Waits until something accepts TCP connections on the port, or the process exits, or time runs out. */
export async function waitForPort(port: number, started: Started, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      throw new Error(`${started.name} exited before listening on ${port}:\n${started.output()}`);
    }
    if (await canConnect(port)) return;
    if (Date.now() > deadline) throw new Error(`${started.name} did not listen on ${port} within ${timeoutMs} ms:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => { resolve(false); });
  });
}

/** The process and its descendants (nginx's workers), found once after start-up. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const siblings = parents.get(stat.ppid) ?? [];
    siblings.push(Number(entry));
    parents.set(stat.ppid, siblings);
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() ?? 0;
    tree.push(next);
    queue.push(...(parents.get(next) ?? []));
  }
  return tree;
}

interface ProcStat {
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** Resident set size of the processes, summed, in bytes (VmRSS of /proc/<pid>/status). */
export function rssBytes(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += Number(match?.[1] ?? 0) * 1024;
    } catch {
      // Exited meanwhile.
    }
  }
  return total;
}

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds (user + system) the processes have used so far. */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += readStat(pid)?.cpuTicks ?? 0;
  return ticks / clockTicks;
}

/** CPU seconds the core has been busy (anything but idle and iowait), whoever used it. */
export function coreBusySeconds(core: number): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${core} `)) ?? '';
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / clockTicks;
}

/** Samples the RSS of some processes every `everyMs` and keeps the maximum. */
export class RssSampler {
  #max = 0;
  readonly #timer: NodeJS.Timeout;
  readonly #pids: readonly number[];

  constructor(pids: readonly number[], everyMs = 100) {
    this.#pids = pids;
    this.#sample();
    this.#timer = setInterval(() => { this.#sample(); }, everyMs);
  }

  stop(): number {
    clearInterval(this.#timer);
    this.#sample();
    return this.#max;
  }

  #sample(): void {
    this.#max = Math.max(this.#max, rssBytes(this.#pids));
  }
}

/** Pins this process (every thread) to a core, so the orchestrator stays off the proxy's core. */
export function pinSelf(core: number): void {
  spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
}
