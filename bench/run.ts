// `npm run bench`: Sidelane against nginx and haproxy as reverse proxies, and against no proxy at
// all, in one run on this machine; then the gateway rows, each terminating HTTPS with the same
// certificate. Each proxy has one core to itself; load generators and the backend share the other.
// Prints the tables with the targets of the performance issue and writes .cache/bench/results.json.
// Settings come from the environment (see README, "Benchmark").
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ports } from './configs.js';
import { keyKind } from './gateway-cert.js';
import { formatGatewayTable, GATEWAY_TARGETS, type GatewayTargetName } from './gateway-report.js';
import { runGatewayBench } from './gateway-tls.js';
import { runFixedRate, runH2load, runningLoad, runWrk, type Loader } from './load.js';
import { coreBusySeconds, cpuSeconds, freePort, pinSelf, Processes, RssSampler } from './processes.js';
import { evaluateTargets, formatTable, type BenchReport, type TargetName, type TargetResult } from './report.js';
import { parseDuration } from './stats.js';
import { buildSidelane, startBackend, startTarget, type RunningTarget, type TargetContext } from './targets.js';
import { ensureTools, toolVersions } from './tools.js';

const LOAD_CORE = 0;
const PROXY_CORE = 1;
const ALL_TARGETS: readonly TargetName[] = ['direct', 'sidelane', 'nginx', 'haproxy'];

const env = process.env;
const seconds = parseDuration(env.BENCH_DURATION ?? '10s');
const warmup = parseDuration(env.BENCH_WARMUP ?? '1s');
const rate = Number(env.BENCH_RATE ?? 1000);
const rateWarmup = parseDuration(env.BENCH_RATE_WARMUP ?? '2s');
const list = (text: string): string[] => text.split(',').map((t) => t.trim()).filter((t) => t !== '');
const targets = list(env.BENCH_TARGETS ?? ALL_TARGETS.join(',')) as TargetName[];
/** The gateway rows; BENCH_GATEWAY_TARGETS= (empty) leaves them out. */
const gatewayTargets = list(env.BENCH_GATEWAY_TARGETS ?? GATEWAY_TARGETS.join(',')) as GatewayTargetName[];
const tlsKey = keyKind(env.BENCH_TLS_KEY);
const loader: Loader = {
  core: LOAD_CORE,
  seconds,
  connections: Number(env.BENCH_CONNECTIONS ?? 50),
  h2Clients: Number(env.BENCH_H2_CLIENTS ?? 10),
  h2Streams: Number(env.BENCH_H2_STREAMS ?? 10),
};
const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

const processes = new Processes();
let scratch: string | undefined;
/** Set on SIGINT/SIGTERM: nothing new starts, what runs is stopped. */
let stopping = false;

async function cleanup(): Promise<void> {
  for (const stop of runningLoad.values()) stop();
  await processes.stopAll();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}

process.on('exit', () => {
  for (const stop of runningLoad.values()) stop();
  processes.killAllNow();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping everything`);
    stopping = true;
    void cleanup().finally(() => process.exit(130));
  });
}

/** Every measurement of one target; a failed one is recorded and the others still run. */
async function measure(target: RunningTarget): Promise<TargetResult> {
  const result: TargetResult = { name: target.name, failures: [] };
  const attempt = async (what: string, body: () => Promise<void>): Promise<void> => {
    if (stopping) return;
    try {
      await body();
    } catch (err) {
      result.failures.push(`${what}: ${(err as Error).message.split('\n')[0] ?? ''}`);
      log(`${target.name} ${what} failed: ${(err as Error).message}`);
    }
  };
  // The fixed rate goes first, on a fresh proxy, so its RSS is what that load needs (the
  // throughput runs grow the heap further; their peak is reported separately).
  await attempt('fixed rate', async () => {
    log(`${target.name}: ${rate} req/s for ${seconds}s (after ${rateWarmup}s warm-up)`);
    const rss = new RssSampler(target.pids);
    try {
      result.fixedRate = await runFixedRate(target.h1, LOAD_CORE, rate, seconds, rateWarmup);
    } finally {
      result.rssFixedRate = rss.stop();
    }
  });
  const rss = new RssSampler(target.pids);
  await attempt('wrk', async () => {
    if (warmup > 0) await runWrk(target.h1, loader, warmup);
    log(`${target.name}: wrk HTTP/1.1, ${loader.connections} connections, ${seconds}s`);
    const cpuBefore = cpuSeconds(target.pids);
    const coreBefore = coreBusySeconds(PROXY_CORE);
    const started = process.hrtime.bigint();
    result.h1 = await runWrk(target.h1, loader);
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const proxyCpu = cpuSeconds(target.pids) - cpuBefore;
    if (target.pids.length > 0) result.cpuH1 = proxyCpu / wall;
    // Whatever else ran on the proxy's core meanwhile took it from the proxy: say how much.
    result.othersOnProxyCore = Math.max(0, (coreBusySeconds(PROXY_CORE) - coreBefore - proxyCpu) / wall);
  });
  await attempt('h2load', async () => {
    log(`${target.name}: h2load h2c, ${loader.h2Clients}×${loader.h2Streams} streams, ${seconds}s`);
    result.h2c = await runH2load(target.h2c, loader, warmup);
  });
  result.rssThroughput = rss.stop();
  return result;
}

async function main(): Promise<void> {
  const load = loadavg();
  if (cpus().length < 2) throw new Error('the benchmark needs 2 cores: one for the proxy, one for load and backend');
  for (const name of gatewayTargets) {
    if (!GATEWAY_TARGETS.includes(name)) throw new Error(`unknown target ${name} in BENCH_GATEWAY_TARGETS (use ${GATEWAY_TARGETS.join(',')})`);
  }
  ensureTools(log);
  pinSelf(LOAD_CORE);
  if ((load[0] ?? 0) > 0.5) log(`warning: load average ${load[0]?.toFixed(2) ?? '?'} — other processes are busy; numbers will be noisy`);
  scratch = await mkdtemp(join(tmpdir(), 'sidelane-bench-'));
  const ports: Ports = {
    backendH1: await freePort(),
    backendH2c: await freePort(),
    proxyH1: await freePort(),
    proxyH2c: await freePort(),
    admin: await freePort(),
  };
  const ctx: TargetContext = {
    processes,
    dir: scratch,
    root,
    ports,
    proxyCore: PROXY_CORE,
    loadCore: LOAD_CORE,
    nodeFlags: (env.BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== ''),
    sidelaneEntry: targets.includes('sidelane') || gatewayTargets.includes('sidelane') ? buildSidelane(root, log) : '',
  };
  await startBackend(ctx);
  const results: TargetResult[] = [];
  for (const name of targets) {
    if (stopping) return;
    if (!ALL_TARGETS.includes(name)) throw new Error(`unknown target ${name} in BENCH_TARGETS (use ${ALL_TARGETS.join(',')})`);
    log(`starting ${name}`);
    let target: RunningTarget;
    try {
      target = await startTarget(name, ctx);
    } catch (err) {
      log(`${name} did not start: ${(err as Error).message}`);
      results.push({ name, failures: [`did not start: ${(err as Error).message.split('\n')[0] ?? ''}`] });
      continue;
    }
    try {
      results.push(await measure(target));
    } finally {
      await target.stop();
    }
  }
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, loadAverageAtStart: load },
    versions: toolVersions(),
    method: {
      duration: seconds,
      warmup,
      rate,
      rateWarmup,
      wrk: `wrk -t1 -c${loader.connections} -d${seconds}s --latency`,
      h2load: `h2load -t1 -c${loader.h2Clients} -m${loader.h2Streams} -D ${seconds} --warm-up-time=${warmup}`,
      fixedRate: `bench/fixed-rate.ts: ${rate} req/s, undici Pool, keep-alive, latency from send to end of body`,
      placement: `proxy on core ${PROXY_CORE}; load generators, backend (nginx) and this script on core ${LOAD_CORE}`,
      backend: 'nginx, worker_processes 1, `return 200 "ok\\n"` (HTTP/1.1 and h2c listeners)',
      h2cUpstream: 'Sidelane and haproxy speak h2c to the backend; nginx HTTP/1.1 (it cannot proxy to HTTP/2)',
    },
    results,
    targets: [],
  };
  // Only the gateway rows asked for (BENCH_TARGETS=): no mesh targets to judge.
  report.targets = results.length > 0 ? evaluateTargets(results, rate) : [];
  if (gatewayTargets.length > 0 && !stopping) {
    report.gateway = await runGatewayBench({ ctx, targets: gatewayTargets, loader, warmup, keyKind: tlsKey, log, stopping: () => stopping });
  }
  const out = join(root, '.cache', 'bench');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  const tables = [...(results.length > 0 ? [formatTable(report)] : []), ...(report.gateway ? [formatGatewayTable(report.gateway)] : [])];
  process.stdout.write(`\n${tables.join('\n\n')}\n\nresults: .cache/bench/results.json\n`);
  if (env.BENCH_STRICT === '1' && report.targets.some((t) => !t.passed)) process.exitCode = 1;
}

try {
  await main();
} catch (err) {
  log(`failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
