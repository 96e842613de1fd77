// What a control-plane benchmark run found: the JSON report, and the same as text for people —
// the method, creation rate, push latency (ours and the controller's histogram), controller memory
// and CPU per phase, the real sidecar's RSS in the small and the large mesh, and PASS/FAIL against
// the issue's targets.
import { markdownTable, type Target } from '../report.js';
import type { Convergence } from './controller.js';
import type { CreationStats } from './create.js';
import type { ControlPlaneBenchOptions } from './options.js';
import type { PushResult } from './push.js';
import type { SidecarRss } from './sidecar.js';

export interface PhaseUsage {
  name: string;
  wallSeconds: number;
  /** Controller CPU (user + system) during the phase. */
  cpuSeconds: number;
  /** Controller RSS at the end of the phase, bytes. */
  rssAfter: number;
}

export interface ControlPlaneReport {
  date: string;
  machine: { cpus: number; loadAverageAtStart: number[] };
  versions: Record<string, string>;
  options: ControlPlaneBenchOptions;
  method: string[];
  scale: { services: number; endpointSlices: number; httpRoutes: number; namespaces: number; subscribers: number; subscriptions: number; hotServices: number };
  creation?: CreationStats & { perSecond: number };
  convergence?: Convergence;
  fleet?: { processes: number; connectSeconds: number; cpuSecondsDuringChanges?: number };
  push?: PushResult;
  controller: { rssMax: number; phases: PhaseUsage[] };
  sidecar: { small?: SidecarRss; large?: SidecarRss; skipped?: string };
  failures: string[];
  targets: Target[];
}

const MB = 1024 * 1024;
export const PUSH_P99_TARGET_MS = 1000;
export const SIDECAR_GROWTH_TARGET = 0.1;

export function evaluateTargets(report: ControlPlaneReport): Target[] {
  const push = report.push;
  const pushOk = push !== undefined && push.incomplete === 0 && push.latenciesMs.length > 0;
  const { small, large } = report.sidecar;
  const growth = small && large ? large.rss / small.rss - 1 : Number.NaN;
  const requestsOk = (s: SidecarRss | undefined): boolean => s !== undefined && s.requests.failed === 0 && s.requests.ok > 0;
  return [
    {
      name: `p99 push (route change → last ACK) ≤ ${PUSH_P99_TARGET_MS / 1000} s`,
      passed: pushOk && push.p99Ms <= PUSH_P99_TARGET_MS,
      detail: push === undefined ? 'not measured' : `p99 ${ms(push.p99Ms)}${push.incomplete > 0 ? `, ${push.incomplete} change(s) not ACKed in time` : ''}`,
    },
    {
      name: `sidecar RSS with ${report.scale.services.toLocaleString('en-US')} Services within ${SIDECAR_GROWTH_TARGET * 100}% of that with ${small?.meshServices ?? report.options.smallMesh}`,
      passed: growth <= SIDECAR_GROWTH_TARGET && requestsOk(small) && requestsOk(large),
      detail:
        small && large
          ? `${mb(small.rss)} → ${mb(large.rss)} (${signedPct(growth)})${requestsOk(small) && requestsOk(large) ? '' : ', some requests failed'}`
          : `not measured${report.sidecar.skipped ? `: ${report.sidecar.skipped}` : ''}`,
    },
  ];
}

export function formatReport(report: ControlPlaneReport): string {
  const lines: string[] = [];
  const n = (v: number): string => v.toLocaleString('en-US');
  const s = report.scale;
  lines.push(
    `Control plane at scale: ${n(s.services)} Services in ${s.namespaces} namespaces, ${n(s.endpointSlices)} EndpointSlices, ${n(s.httpRoutes)} HTTPRoutes; ` +
      `${n(s.subscribers)} simulated sidecars, ${n(s.subscriptions)} subscriptions.`,
    '',
    'Method:',
    ...report.method.map((m) => `- ${m}`),
    '',
  );
  if (report.creation) {
    const c = report.creation;
    lines.push(`objects created: ${n(c.objects)} in ${c.seconds.toFixed(1)} s (${n(Math.round(c.perSecond))}/s, ${report.options.concurrency} in flight, ${c.retries} retries)`);
  }
  if (report.convergence) {
    const v = report.convergence;
    lines.push(
      `controller caught up: last object served ${(v.servedAfterMs / 1000).toFixed(1)} s after it was created; translations and status writes quiet after ${v.quietAfterMs === undefined ? 'n/a (never quiet)' : `${(v.quietAfterMs / 1000).toFixed(1)} s`} (${n(v.statusWrites)} status writes, ${n(v.translations)} translations so far)`,
    );
  }
  if (report.fleet) {
    const f = report.fleet;
    const during = report.controller.phases.find((ph) => ph.name.startsWith('route changes'));
    const fleetShare = f.cpuSecondsDuringChanges !== undefined && during ? ` and used ${pct(f.cpuSecondsDuringChanges / during.wallSeconds)} of a core during the route changes` : '';
    lines.push(`simulated sidecars connected and synced in ${f.connectSeconds.toFixed(1)} s (${f.processes} worker process(es))${fleetShare}`);
  }
  lines.push('');
  if (report.push) {
    const p = report.push;
    const h = p.controllerHistogram;
    lines.push(
      markdownTable(
        ['route change → last ACK', 'p50', 'p99', 'max', 'changes', 'sidecars per change'],
        [
          ['measured by the bench (PATCH → last ACK)', ms(p.p50Ms), ms(p.p99Ms), ms(p.maxMs), `${p.latenciesMs.length}/${p.changes}`, p.holdersMean.toFixed(1)],
          ['controller histogram (watch event → last ACK)', `mean ${ms(h.meanMs)}`, '', '', `${h.count} observed`, ''],
        ],
      ),
      '',
    );
  }
  const phases = report.controller.phases.map((ph) => [
    ph.name,
    `${ph.wallSeconds.toFixed(1)} s`,
    `${ph.cpuSeconds.toFixed(1)} s`,
    pct(ph.wallSeconds > 0 ? ph.cpuSeconds / ph.wallSeconds : Number.NaN),
    mb(ph.rssAfter),
  ]);
  lines.push(markdownTable(['controller phase', 'wall', 'CPU', 'CPU share of a core', 'RSS after'], phases));
  lines.push(`controller RSS max over the run: ${mb(report.controller.rssMax)}`);
  if (report.push && report.push.latenciesMs.length > 0) {
    const changes = report.controller.phases.find((ph) => ph.name.startsWith('route changes'));
    if (changes) lines.push(`controller CPU per route change: ${((changes.cpuSeconds / report.push.changes) * 1000).toFixed(0)} ms`);
  }
  lines.push('');
  const { small, large } = report.sidecar;
  if (small || large) {
    const row = (r: SidecarRss): string[] => [`${n(r.meshServices)} Services`, mb(r.rss), r.perProcess.map(mb).join(', '), `${r.requests.ok}/${r.requests.ok + r.requests.failed}`];
    lines.push(markdownTable(['real sidecar (`sidelane proxy`) in a mesh of', 'RSS (median)', 'each process', 'requests OK'], [small, large].filter((r) => r !== undefined).map(row)));
    for (const r of [small, large]) if (r?.requests.lastFailure) lines.push(`  failed request: ${r.requests.lastFailure}`);
  } else {
    lines.push(`real sidecar: not measured (${report.sidecar.skipped ?? 'skipped'})`);
  }
  lines.push('');
  for (const t of report.targets) lines.push(`${t.passed ? 'PASS' : 'FAIL'}  ${t.name}: ${t.detail}`);
  if (report.failures.length > 0) lines.push('', 'failures:', ...report.failures.map((f) => `  ${f}`));
  return lines.join('\n');
}

function ms(value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) ? `${value.toFixed(0)} ms` : 'n/a';
}

function mb(bytes: number | undefined): string {
  return bytes !== undefined && Number.isFinite(bytes) ? `${(bytes / MB).toFixed(1)} MB` : 'n/a';
}

function pct(ratio: number): string {
  return Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : 'n/a';
}

function signedPct(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)}%` : 'n/a';
}
