// Test "pods" without a kubelet: network namespaces joined by veth pairs to a bridge in the root
// namespace, each with an IPv4 (and IPv6) address, lo up and a default route via the bridge, whose
// own address the root namespace answers on. Processes run inside with `ip netns exec`, optionally
// as another UID (setpriv). Needs root; names are unique per run; close() removes everything.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CONNECT_SCRIPT, SERVE_SCRIPT } from './netns-scripts.js';

export { requireRootNetworking, rootNetworkingProblems } from './root-networking.js';

export interface ExecOptions {
  /** Run as this UID (setpriv --reuid, with supplementary groups cleared). */
  uid?: number;
  /** Run as this GID; defaults to `uid` when a UID is given. */
  gid?: number;
  /** Added to (and overriding) this process's environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Default: pipes for all three. */
  stdio?: StdioOptions;
}

export interface RunOptions extends ExecOptions {
  /** Written to stdin, which is then closed. */
  input?: string;
  /** The process is killed (SIGKILL) after this long; default 30 s. */
  timeoutMs?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ConnectResult {
  /** The server accepted and closed the connection normally. */
  ok: boolean;
  /** Everything the server sent. */
  reply: string;
  /** The client's address:port ('' if it never connected). */
  local: string;
  /** Error code (ECONNREFUSED, ETIMEDOUT, …) when not ok. */
  error?: string;
}

export interface StartedProcess {
  process: ChildProcess;
  /** The match of the first output line that matched `ready`. */
  ready: RegExpExecArray;
  /** Everything the process wrote so far (for assertion messages). */
  output(): { stdout: string; stderr: string };
  /** Kills it (SIGKILL) and waits for it to exit. */
  close(): Promise<void>;
}

export interface ServedPort {
  port: number;
  process: ChildProcess;
  close(): Promise<void>;
}

export interface NetnsHost {
  /** The name given to addHost. */
  readonly name: string;
  /** The `ip netns` name (unique per run). */
  readonly netns: string;
  readonly ipv4: string;
  /** Undefined when the network has no IPv6. */
  readonly ipv6: string | undefined;
  /** The host's interface on the bridge. */
  readonly interface: string;
  /** Starts a process inside the namespace; it is killed by network.close() if still running. */
  exec(command: string, args?: readonly string[], options?: ExecOptions): ChildProcess;
  /** Starts a process and resolves once a line of its stdout or stderr matches `ready` (default timeout 20 s); rejects with its output if it exits first. */
  start(command: string, args: readonly string[], options: ExecOptions & { ready: RegExp; timeoutMs?: number }): Promise<StartedProcess>;
  /** Runs a process inside the namespace to completion. */
  run(command: string, args?: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Like run, but rejects (with stdout and stderr) unless it exits 0. */
  mustRun(command: string, args?: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** A TCP server in the namespace answering each connection with `{"server":name,"local":…,"remote":…}\n`. Host default 0.0.0.0. */
  serve(port: number, options?: { host?: string; uid?: number; gid?: number }): Promise<ServedPort>;
  /** Opens a TCP connection from the namespace (as `uid`), optionally sends text, and reads until the server closes. */
  connect(address: string, port: number, options?: { uid?: number; gid?: number; timeoutMs?: number; send?: string }): Promise<ConnectResult>;
}

export interface Network {
  readonly id: string;
  readonly bridge: string;
  readonly ipv4: { subnet: string; gateway: string };
  /** Undefined when IPv6 is off here or was not asked for. */
  readonly ipv6: { subnet: string; gateway: string } | undefined;
  readonly hosts: readonly NetnsHost[];
  addHost(name: string): Promise<NetnsHost>;
  /** Kills the processes started in the hosts and deletes namespaces, links and bridge. Idempotent; never throws. */
  close(): Promise<void>;
}

/** A bridge with a fresh /24 (10.213.N.0/24) and /64 (fd5e:11de:N::/64); hosts are added with addHost. */
export async function createNetwork(prefix: string, options: { ipv6?: boolean } = {}): Promise<Network> {
  const id = randomBytes(3).toString('hex');
  const bridge = `slb${id}`;
  const label = prefix.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 20);
  const hosts: NetnsHost[] = [];
  const children = new Set<ChildProcess>();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await Promise.all([...children].map((child) => killAndWait(child)));
      for (const host of hosts) await ip(['netns', 'del', host.netns]).catch(() => undefined);
      await ip(['link', 'del', bridge]).catch(() => undefined);
    })());

  let n: number;
  let ipv6: Network['ipv6'];
  try {
    await ip(['link', 'add', 'name', bridge, 'type', 'bridge']);
    n = await claimSubnet(bridge);
    ipv6 = options.ipv6 !== false && ipv6Enabled() ? { subnet: `fd5e:11de:${n.toString(16)}::/64`, gateway: `fd5e:11de:${n.toString(16)}::1` } : undefined;
    if (ipv6) await ip(['-6', 'addr', 'add', `${ipv6.gateway}/64`, 'dev', bridge, 'nodad']);
    await ip(['link', 'set', bridge, 'up']);
  } catch (error) {
    await close();
    throw error;
  }
  const ipv4 = { subnet: `10.213.${n}.0/24`, gateway: `10.213.${n}.1` };

  const addHost = async (name: string): Promise<NetnsHost> => {
    if (closing) throw new Error('network is closed');
    const index = hosts.length + 2;
    const netns = `${label}-${id}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    const veth = `slv${id}${index}`;
    const host = makeHost({ name, netns, ipv4: `10.213.${n}.${index}`, ipv6: ipv6 ? `fd5e:11de:${n.toString(16)}::${index.toString(16)}` : undefined }, children);
    hosts.push(host); // before creating anything, so close() removes a half-made host too
    await ip(['netns', 'add', netns]);
    await ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', host.interface, 'netns', netns]);
    await ip(['link', 'set', veth, 'master', bridge, 'up']);
    const inside = ['-n', netns];
    await ip([...inside, 'link', 'set', 'lo', 'up']);
    await ip([...inside, 'addr', 'add', `${host.ipv4}/24`, 'dev', host.interface]);
    if (ipv6 && host.ipv6) await ip([...inside, '-6', 'addr', 'add', `${host.ipv6}/64`, 'dev', host.interface, 'nodad']);
    await ip([...inside, 'link', 'set', host.interface, 'up']);
    await ip([...inside, 'route', 'add', 'default', 'via', ipv4.gateway]);
    if (ipv6) await ip([...inside, '-6', 'route', 'add', 'default', 'via', ipv6.gateway]);
    return host;
  };

  return { id, bridge, ipv4, ipv6, hosts, addHost, close };
}

function makeHost(identity: { name: string; netns: string; ipv4: string; ipv6: string | undefined }, children: Set<ChildProcess>): NetnsHost {
  const exec = (command: string, args: readonly string[] = [], options: ExecOptions = {}): ChildProcess => {
    const uid = options.uid;
    const privileges = uid === undefined ? [] : ['setpriv', `--reuid=${uid}`, `--regid=${options.gid ?? uid}`, '--clear-groups'];
    const child = spawn('ip', ['netns', 'exec', identity.netns, ...privileges, command, ...args], {
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
      stdio: options.stdio ?? 'pipe',
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    child.once('error', () => children.delete(child));
    return child;
  };
  const run = (command: string, args: readonly string[] = [], options: RunOptions = {}): Promise<RunResult> =>
    collect(exec(command, args, { ...options, stdio: 'pipe' }), options);
  const mustRun = async (command: string, args: readonly string[] = [], options: RunOptions = {}): Promise<RunResult> => {
    const result = await run(command, args, options);
    if (result.code !== 0) {
      throw new Error(`in ${identity.netns}: ${command} ${args.join(' ')} exited ${result.code ?? result.signal}${result.timedOut ? ' (timed out)' : ''}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    }
    return result;
  };
  const start = async (command: string, args: readonly string[], options: ExecOptions & { ready: RegExp; timeoutMs?: number }): Promise<StartedProcess> => {
    const child = exec(command, args, { ...options, stdio: 'pipe' });
    const output = { stdout: '', stderr: '' };
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
    const ready = await readyLine(child, output, options.ready, options.timeoutMs ?? 20_000);
    return { process: child, ready, output: () => ({ ...output }), close: () => killAndWait(child) };
  };
  const serve = async (port: number, options: { host?: string; uid?: number; gid?: number } = {}): Promise<ServedPort> => {
    const started = await start(process.execPath, ['-e', SERVE_SCRIPT, '--', identity.name, options.host ?? '0.0.0.0', String(port)], { ...options, ready: /^listening (\d+)$/ });
    return { port: Number(started.ready[1]), process: started.process, close: () => started.close() };
  };
  const connect = async (address: string, port: number, options: { uid?: number; gid?: number; timeoutMs?: number; send?: string } = {}): Promise<ConnectResult> => {
    const timeoutMs = options.timeoutMs ?? 3000;
    const result = await run(process.execPath, ['-e', CONNECT_SCRIPT, '--', address, String(port), String(timeoutMs), options.send ?? ''], { ...options, timeoutMs: timeoutMs + 10_000 });
    const last = result.stdout.trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(last) as ConnectResult;
    } catch {
      return { ok: false, reply: '', local: '', error: `client failed (exit ${result.code ?? result.signal}): ${result.stderr.trim()}` };
    }
  };
  return { ...identity, interface: 'eth0', exec, start, run, mustRun, serve, connect };
}

function collect(child: ChildProcess, options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${error.message}`, timedOut });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** The match of the first output line matching `pattern`; rejects (killing the process) if it exits first or time runs out. */
function readyLine(child: ChildProcess, output: { stdout: string; stderr: string }, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const described = (): string => `\nstdout: ${output.stdout}\nstderr: ${output.stderr}`;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => {
      fail(new Error(`no output line matching ${String(pattern)} within ${timeoutMs} ms${described()}`));
    }, timeoutMs);
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      fail(new Error(`exited (${code ?? signal ?? '?'}) before printing a line matching ${String(pattern)}${described()}`));
    });
    const check = (): void => {
      if (settled) return;
      const match = `${output.stdout}\n${output.stderr}`.split('\n').map((line) => pattern.exec(line.trim())).find((m) => m !== null);
      if (!match) return;
      settled = true;
      clearTimeout(timer);
      resolve(match);
    };
    // Registered after start()'s collectors, so the output is already appended when this runs.
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
  });
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill('SIGKILL');
  await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 3000).unref())]);
}

/**
 * Gives the bridge 10.213.N.1/24 for an N no other interface or route uses. Tests run in parallel
 * processes, so the choice is checked again after the address is added, and retried on a clash.
 */
async function claimSubnet(bridge: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const used = `${(await ip(['-o', 'addr', 'show'])).stdout}\n${(await ip(['route', 'show'])).stdout}`;
    const n = randomBytes(1)[0] ?? 0;
    if (used.includes(`10.213.${n}.`)) continue;
    await ip(['addr', 'add', `10.213.${n}.1/24`, 'dev', bridge]);
    const holders = (await ip(['-o', '-4', 'addr', 'show'])).stdout.split('\n').filter((line) => line.includes(` 10.213.${n}.`));
    if (holders.every((line) => line.includes(` ${bridge} `))) return n;
    await ip(['addr', 'del', `10.213.${n}.1/24`, 'dev', bridge]);
  }
  throw new Error('no free 10.213.N.0/24 subnet found for the test network');
}

function ipv6Enabled(): boolean {
  try {
    return readFileSync('/proc/sys/net/ipv6/conf/all/disable_ipv6', 'utf8').trim() === '0';
  } catch {
    return false;
  }
}

/** `ip …` in the root namespace; rejects with its stderr on failure. */
function ip(args: readonly string[]): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve({ stdout });
      else reject(new Error(`ip ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}
