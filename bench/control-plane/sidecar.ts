// One real sidecar (`sidelane proxy`) fed by the controller under test: it sends the same few
// requests (Host: svc-N.<namespace>, answered by the echo backend) whatever the mesh's size, then
// rests, and its RSS is sampled. Since a sidecar subscribes only to the destinations it uses, its
// memory should not grow with the number of Services in the mesh.
import http from 'node:http';
import { networkInterfaces } from 'node:os';
import { freePort, rssBytes } from '../processes.js';
import type { Children } from './children.js';

export interface SidecarRss {
  /** Services in the mesh when it was measured. */
  meshServices: number;
  /** Median over the sidecar processes of each one's median sample, bytes. */
  rss: number;
  /** Each process's median sample (one process's heap timing alone varies by ±5%). */
  perProcess: number[];
  requests: { ok: number; failed: number; lastFailure?: string };
}

export interface SidecarRun {
  entry: string;
  configAddress: string;
  namespace: string;
  /** Host headers to send to (each answered by the echo backend). */
  hosts: readonly string[];
  rounds: number;
  settleMs: number;
  samples: number;
  /** Sidecar processes started one after another, each measured alone. */
  processes: number;
  meshServices: number;
}

export async function measureSidecar(children: Children, run: SidecarRun): Promise<SidecarRss> {
  const perProcess: number[] = [];
  const requests: SidecarRss['requests'] = { ok: 0, failed: 0 };
  for (let p = 0; p < run.processes; p++) {
    const one = await measureOne(children, run);
    perProcess.push(one.rss);
    requests.ok += one.requests.ok;
    requests.failed += one.requests.failed;
    if (one.requests.lastFailure !== undefined) requests.lastFailure = one.requests.lastFailure;
  }
  return { meshServices: run.meshServices, rss: median(perProcess), perProcess, requests };
}

async function measureOne(children: Children, run: SidecarRun): Promise<{ rss: number; requests: SidecarRss['requests'] }> {
  const outbound = await freePort();
  const admin = await freePort();
  const child = children.start('sidelane proxy', [
    run.entry, 'proxy', '--control-plane', run.configAddress, '--pod', 'bench-sidecar', '--namespace', run.namespace,
    '--outbound', `127.0.0.1:${outbound}`, '--admin', `127.0.0.1:${admin}`, '--log-level', 'warn',
  ]);
  try {
    const deadline = performance.now() + 30_000;
    for (;;) {
      if (!child.running()) throw new Error(`sidelane proxy exited:\n${child.output()}`);
      const status = await fetch(`http://127.0.0.1:${admin}/ready`).then((r) => r.status, () => 0);
      if (status === 200) break;
      if (performance.now() > deadline) throw new Error(`sidelane proxy was not ready within 30 s:\n${child.output()}`);
      await sleep(200);
    }
    const requests: SidecarRss['requests'] = { ok: 0, failed: 0 };
    for (let round = 0; round < run.rounds; round++) {
      for (const host of run.hosts) {
        const answer = await get(outbound, host);
        if (answer.status === 200) requests.ok += 1;
        else {
          requests.failed += 1;
          requests.lastFailure = `${host}: ${answer.status} ${answer.detail}`;
        }
      }
    }
    await sleep(run.settleMs);
    const samples: number[] = [];
    for (let i = 0; i < run.samples; i++) {
      if (i > 0) await sleep(500);
      samples.push(rssBytes([child.pid]));
    }
    if (!child.running()) throw new Error(`sidelane proxy exited while measured:\n${child.output()}`);
    return { rss: median(samples), requests };
  } finally {
    await children.stop(child);
  }
}

function get(port: number, host: string): Promise<{ status: number; detail: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 300) body += chunk;
      });
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, detail: res.statusCode === 200 ? '' : body.slice(0, 200) }); });
      res.on('error', (err) => { resolve({ status: 0, detail: err.message }); });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', (err) => { resolve({ status: 0, detail: err.message }); });
  });
}

/**
 * An IPv4 address of this host that is not loopback: the API server refuses EndpointSlice
 * addresses in 127.0.0.0/8, so the echo backend the sidecar reaches listens there.
 */
export function hostIPv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.'));
    if (found) return found.address;
  }
  return undefined;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
