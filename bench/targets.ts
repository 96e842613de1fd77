// Starting what the load is sent to: the nginx backend on the load core, and each proxy under test
// (Sidelane from a fresh build, nginx, haproxy) alone on the proxy core. A started target has been
// probed once over HTTP/1.1 and h2c, so a misconfiguration fails loudly instead of benchmarking
// 404s.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import http2 from 'node:http2';
import { join } from 'node:path';
import { BODY, H1_HOST, H2C_HOST, haproxyConf, nginxBackendConf, nginxProxyConf, sidelaneManifests, type Ports } from './configs.js';
import { processTree, waitForPort, type Processes, type Started } from './processes.js';
import type { TargetName } from './report.js';
import { toolPath } from './tools.js';

export interface RunningTarget {
  name: TargetName;
  /** Where HTTP/1.1 and h2c load goes, and the Host each must carry. */
  h1: { port: number; host: string };
  h2c: { port: number; host: string };
  /** The proxy's processes (empty for direct), for RSS and CPU. */
  pids: number[];
  stop(): Promise<void>;
}

export interface TargetContext {
  processes: Processes;
  /** A scratch directory for configs, logs and pid files. */
  dir: string;
  root: string;
  ports: Ports;
  proxyCore: number;
  loadCore: number;
  /** Extra node flags for Sidelane (e.g. --cpu-prof), from BENCH_NODE_FLAGS. */
  nodeFlags: string[];
  sidelaneEntry: string;
}

/** Compiles the sources into .cache (not dist/, which bin/sidelane.js would then prefer). */
export function buildSidelane(root: string, log: (line: string) => void): string {
  const outDir = join(root, '.cache', 'bench', 'dist');
  const entry = join(outDir, 'src', 'cli', 'main.js');
  if (process.env.BENCH_BUILD === '0' && existsSync(entry)) return entry;
  log('building Sidelane (tsc) into .cache/bench/dist…');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir, '--declaration', 'false'], {
    cwd: root,
    encoding: 'utf8',
  });
  // Type errors still emit JavaScript; only a missing entry point stops the run.
  if (result.status !== 0) log(`warning: tsc reported errors (JavaScript was emitted anyway):\n${result.stdout.split('\n').slice(0, 10).join('\n')}`);
  if (!existsSync(entry)) throw new Error(`build produced no ${entry}:\n${result.stdout}${result.stderr}`);
  return entry;
}

export async function startBackend(ctx: TargetContext): Promise<Started> {
  const dir = join(ctx.dir, 'backend');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'nginx.conf'), nginxBackendConf(dir, ctx.ports));
  const started = ctx.processes.start({ name: 'backend nginx', core: ctx.loadCore, command: toolPath('nginx'), args: ['-c', join(dir, 'nginx.conf'), '-p', dir] });
  await waitForPort(ctx.ports.backendH1, started);
  await waitForPort(ctx.ports.backendH2c, started);
  return started;
}

export async function startTarget(name: TargetName, ctx: TargetContext): Promise<RunningTarget> {
  const { ports } = ctx;
  if (name === 'direct') {
    const target: RunningTarget = {
      name,
      h1: { port: ports.backendH1, host: H1_HOST },
      h2c: { port: ports.backendH2c, host: H2C_HOST },
      pids: [],
      stop: () => Promise.resolve(),
    };
    await probe(target);
    return target;
  }
  const dir = join(ctx.dir, name);
  await mkdir(dir, { recursive: true });
  let started: Started;
  let h2cPort = ports.proxyH2c;
  if (name === 'nginx') {
    await writeFile(join(dir, 'nginx.conf'), nginxProxyConf(dir, ports));
    started = ctx.processes.start({ name, core: ctx.proxyCore, command: toolPath('nginx'), args: ['-c', join(dir, 'nginx.conf'), '-p', dir] });
  } else if (name === 'haproxy') {
    await writeFile(join(dir, 'haproxy.cfg'), haproxyConf(ports));
    started = ctx.processes.start({ name, core: ctx.proxyCore, command: toolPath('haproxy'), args: ['-f', join(dir, 'haproxy.cfg'), '-db'] });
  } else {
    // Sidelane tells HTTP/1.1 from h2c by the first bytes: one listener serves both.
    h2cPort = ports.proxyH1;
    await writeFile(join(dir, 'mesh.yaml'), sidelaneManifests(ports));
    const args = [...ctx.nodeFlags, ctx.sidelaneEntry, 'run', '-f', dir, '--listen', `127.0.0.1:${ports.proxyH1}`, '--admin', `127.0.0.1:${ports.admin}`, '--log-level', 'warn'];
    started = ctx.processes.start({ name, core: ctx.proxyCore, command: process.execPath, args, cwd: dir });
    await waitForReady(ports.admin, started);
  }
  await waitForPort(ports.proxyH1, started);
  await waitForPort(h2cPort, started);
  const target: RunningTarget = {
    name,
    h1: { port: ports.proxyH1, host: H1_HOST },
    h2c: { port: h2cPort, host: H2C_HOST },
    pids: [],
    stop: () => ctx.processes.stop(started),
  };
  try {
    await probe(target);
  } catch (err) {
    await target.stop();
    throw new Error(`${name}: ${(err as Error).message}\n${started.output()}`);
  }
  // taskset execs the program, so the pid is the proxy's own; nginx's master has forked the
  // worker that answered the probe, and both count towards memory.
  target.pids = processTree(started.pid);
  return target;
}

export async function waitForReady(adminPort: number, started: Started, timeoutMs = 20_000): Promise<void> {
  await waitForPort(adminPort, started, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${adminPort}/ready`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`sidelane did not become ready:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One HTTP/1.1 and one h2c request: both must answer 200 with the backend's body. */
async function probe(target: RunningTarget): Promise<void> {
  const h1 = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: target.h1.port, path: '/', headers: { host: target.h1.host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }); });
    });
    req.on('error', reject);
  });
  if (h1.status !== 200 || h1.body !== BODY) throw new Error(`HTTP/1.1 probe answered ${h1.status} ${JSON.stringify(h1.body)}`);
  const h2 = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${target.h2c.port}`);
    session.on('error', reject);
    const stream = session.request({ ':path': '/', ':authority': target.h2c.host });
    let status = 0;
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (c: string) => (body += c));
    stream.on('end', () => {
      session.close();
      resolve({ status, body });
    });
    stream.on('error', reject);
  });
  if (h2.status !== 200 || h2.body !== BODY) throw new Error(`h2c probe answered ${h2.status} ${JSON.stringify(h2.body)}`);
}
