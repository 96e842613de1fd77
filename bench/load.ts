// The load generators of a run, each pinned to the load core: wrk (HTTP/1.1 keep-alive), h2load
// (h2c prior knowledge), and bench/fixed-rate.ts (a constant 1000 req/s with per-request
// latencies). Each returns what it measured, parsed from its output, plus any errors it saw.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseWrkLatency } from './stats.js';

export interface ThroughputResult {
  requestsPerSecond: number;
  requests: number;
  /** Latency percentiles in ms, when the tool reports them. */
  latencyMs: { p50?: number; p99?: number };
  /** Non-2xx answers, socket errors, failed requests: a number measured on errors is no number. */
  errors: number;
  errorDetail: string;
}

export interface FixedRateResult {
  rate: number;
  durationSeconds: number;
  sent: number;
  completed: number;
  errors: number;
  /** Latency percentiles in ms, measured from sending to the end of the response body. */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** How far behind schedule the generator sent its worst request (ms): a sanity check. */
  maxLagMs: number;
}

export interface LoadTarget {
  port: number;
  host: string;
  /** Default http; wrk speaks HTTPS (TLS 1.3, no ALPN, SNI = the URL's host, 127.0.0.1) too. */
  scheme?: 'http' | 'https';
  /** More request headers, `Name: value` (e.g. `Connection: close` for a handshake per request). */
  headers?: readonly string[];
}

export interface Loader {
  core: number;
  seconds: number;
  /** wrk connections; h2load uses `h2Clients` × `h2Streams`. */
  connections: number;
  h2Clients: number;
  h2Streams: number;
}

/** Runs a command to completion and returns its stdout; rejects with its output on failure. */
function run(command: string, args: readonly string[], track: (pid: number, stop: () => void) => () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const untrack = track(child.pid ?? 0, () => child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', (err) => {
      untrack();
      reject(err);
    });
    child.once('close', (code) => {
      untrack();
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}${stdout}`));
    });
  });
}

/** Children of the load core that must die with the run (a Ctrl-C during a 10 s wrk). */
export const runningLoad = new Map<number, () => void>();
const track = (pid: number, stop: () => void): (() => void) => {
  runningLoad.set(pid, stop);
  return () => runningLoad.delete(pid);
};

export async function runWrk(target: LoadTarget, load: Loader, seconds = load.seconds): Promise<ThroughputResult> {
  const headers = [`Host: ${target.host}`, ...(target.headers ?? [])].flatMap((h) => ['-H', h]);
  const out = await run(
    'taskset',
    ['-c', String(load.core), 'wrk', '-t1', `-c${load.connections}`, `-d${seconds}s`, '--latency', ...headers, `${target.scheme ?? 'http'}://127.0.0.1:${target.port}/`],
    track,
  );
  return parseWrk(out);
}

export function parseWrk(out: string): ThroughputResult {
  const number = (pattern: RegExp): number => Number(pattern.exec(out)?.[1] ?? Number.NaN);
  const latency = (p: string): number | undefined => {
    const match = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out);
    return match?.[1] === undefined ? undefined : parseWrkLatency(match[1]);
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const errors = socketErrors + Number(non2xx?.[1] ?? 0);
  const detail = [socket?.[0], non2xx?.[0]].filter((s) => s !== undefined).join('; ');
  const p50 = latency('50');
  const p99 = latency('99');
  return {
    requestsPerSecond: number(/^Requests\/sec:\s+([\d.]+)/m),
    requests: number(/(\d+) requests in/),
    latencyMs: { ...(p50 === undefined ? {} : { p50 }), ...(p99 === undefined ? {} : { p99 }) },
    errors,
    errorDetail: detail,
  };
}

export async function runH2load(target: LoadTarget, load: Loader, warmupSeconds: number): Promise<ThroughputResult> {
  const args = ['-c', String(load.core), 'h2load', '-t1', `-c${load.h2Clients}`, `-m${load.h2Streams}`, '-D', String(load.seconds)];
  if (warmupSeconds > 0) args.push(`--warm-up-time=${warmupSeconds}`);
  args.push('-H', `:authority: ${target.host}`, `http://127.0.0.1:${target.port}/`);
  return parseH2load(await run('taskset', args, track));
}

export function parseH2load(out: string): ThroughputResult {
  const finished = /finished in [\d.]+s, ([\d.]+) req\/s/.exec(out);
  const requests = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(out);
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  const failed = Number(requests?.[5] ?? 0) + Number(requests?.[6] ?? 0) + Number(requests?.[7] ?? 0);
  const non2xx = Number(codes?.[3] ?? 0) + Number(codes?.[4] ?? 0);
  const noneSucceeded = requests === null || Number(requests[4]) === 0;
  return {
    requestsPerSecond: Number(finished?.[1] ?? Number.NaN),
    requests: Number(requests?.[3] ?? Number.NaN),
    latencyMs: {},
    errors: failed + non2xx + (noneSucceeded ? 1 : 0),
    errorDetail: [requests?.[0], codes?.[0]].filter((s) => s !== undefined).join('; '),
  };
}

/** The fixed-rate generator as its own process on the load core (tsx, as npm run bench runs). */
export async function runFixedRate(target: LoadTarget, core: number, rate: number, seconds: number, warmupSeconds: number): Promise<FixedRateResult> {
  const script = fileURLToPath(new URL('./fixed-rate.ts', import.meta.url));
  const args = ['-c', String(core), process.execPath, '--import', 'tsx', script];
  args.push(`http://127.0.0.1:${target.port}/`, target.host, String(rate), String(seconds), String(warmupSeconds));
  const out = await run('taskset', args, track);
  return JSON.parse(out) as FixedRateResult;
}
