// What a benchmark run found, as a table for people and JSON for tools: throughput of every
// target, its ratio to nginx in the same run, latency at the fixed rate and what the proxy adds
// over going direct, memory, and the issue's targets with PASS/FAIL.
import type { GatewayReport } from './gateway-report.js';
import type { FixedRateResult, ThroughputResult } from './load.js';

export type TargetName = 'direct' | 'sidelane' | 'nginx' | 'haproxy';

export interface TargetResult {
  name: TargetName;
  h1?: ThroughputResult;
  h2c?: ThroughputResult;
  fixedRate?: FixedRateResult;
  /** Max RSS (bytes) of the proxy (all its processes) during the fixed-rate run, and during wrk. */
  rssFixedRate?: number;
  rssThroughput?: number;
  /** Share of one core the proxy used during the wrk run (1 = the whole core). */
  cpuH1?: number;
  /** Share of the proxy's core that other processes used during the wrk run: noise. */
  othersOnProxyCore?: number;
  /** Why a measurement is missing (the run went on without it). */
  failures: string[];
}

export interface Target {
  name: string;
  passed: boolean;
  detail: string;
}

export interface BenchReport {
  date: string;
  machine: { cpus: number; loadAverageAtStart: number[] };
  versions: Record<string, string>;
  method: Record<string, string | number>;
  results: TargetResult[];
  targets: Target[];
  /** HTTPS termination rows (bench/gateway-tls.ts), when they ran. */
  gateway?: GatewayReport;
}

const MB = 1024 * 1024;

export function evaluateTargets(results: readonly TargetResult[], rate: number): Target[] {
  const by = (name: TargetName): TargetResult | undefined => results.find((r) => r.name === name);
  const sidelane = by('sidelane');
  const nginx = by('nginx');
  const direct = by('direct');
  const ratio = sidelane?.h1 && nginx?.h1 ? sidelane.h1.requestsPerSecond / nginx.h1.requestsPerSecond : Number.NaN;
  const clean = (r: ThroughputResult | undefined): boolean => r !== undefined && r.errors === 0;
  const addedP99 = sidelane?.fixedRate && direct?.fixedRate ? sidelane.fixedRate.p99 - direct.fixedRate.p99 : Number.NaN;
  const rss = sidelane?.rssFixedRate ?? Number.NaN;
  return [
    {
      name: 'Sidelane HTTP/1.1 throughput ≥ 50% of nginx',
      passed: ratio >= 0.5 && clean(sidelane?.h1),
      detail: `${pct(ratio)} of nginx${clean(sidelane?.h1) ? '' : ' (Sidelane had errors)'}`,
    },
    {
      name: `added p99 at ${rate} req/s ≤ 1 ms`,
      passed: addedP99 <= 1 && (sidelane?.fixedRate?.errors ?? 1) === 0,
      detail: `${ms(addedP99)} (Sidelane p99 ${ms(sidelane?.fixedRate?.p99)} − direct p99 ${ms(direct?.fixedRate?.p99)})`,
    },
    {
      name: `proxy RSS ≤ 80 MB at ${rate} req/s`,
      passed: rss <= 80 * MB,
      detail: `max ${mb(rss)}`,
    },
  ];
}

export function formatTable(report: BenchReport): string {
  const results = report.results;
  const nginx = results.find((r) => r.name === 'nginx');
  const direct = results.find((r) => r.name === 'direct');
  const header = ['target', 'HTTP/1.1 req/s', 'vs nginx', 'h2c req/s', 'vs nginx', `p50 / p99 @${report.method.rate} req/s`, 'added p50 / p99', 'RSS max', 'CPU (h1)'];
  const rows = results.map((r) => {
    const h1Ratio = r.h1 && nginx?.h1 ? r.h1.requestsPerSecond / nginx.h1.requestsPerSecond : Number.NaN;
    const h2Ratio = r.h2c && nginx?.h2c ? r.h2c.requestsPerSecond / nginx.h2c.requestsPerSecond : Number.NaN;
    const added =
      r.name === 'direct' || !r.fixedRate || !direct?.fixedRate
        ? '—'
        : `${ms(r.fixedRate.p50 - direct.fixedRate.p50)} / ${ms(r.fixedRate.p99 - direct.fixedRate.p99)}`;
    return [
      r.name,
      rps(r.h1),
      r.name === 'direct' ? '—' : pct(h1Ratio),
      rps(r.h2c),
      r.name === 'direct' ? '—' : pct(h2Ratio),
      r.fixedRate ? `${ms(r.fixedRate.p50)} / ${ms(r.fixedRate.p99)}${r.fixedRate.errors > 0 ? ' !' : ''}` : 'n/a',
      added,
      r.name === 'direct' ? '—' : mb(r.rssFixedRate),
      r.name === 'direct' || r.cpuH1 === undefined ? '—' : pct(r.cpuH1),
    ];
  });
  const lines = [markdownTable(header, rows), ''];
  for (const t of report.targets) lines.push(`${t.passed ? 'PASS' : 'FAIL'}  ${t.name}: ${t.detail}`);
  const notes = results.flatMap((r) => [
    ...(r.h1 && r.h1.errors > 0 ? [`${r.name} HTTP/1.1: ${r.h1.errorDetail}`] : []),
    ...(r.h2c && r.h2c.errors > 0 ? [`${r.name} h2c: ${r.h2c.errorDetail}`] : []),
    ...(r.fixedRate && r.fixedRate.errors > 0 ? [`${r.name} fixed rate: ${r.fixedRate.errors} failed requests`] : []),
    ...r.failures.map((f) => `${r.name}: ${f}`),
  ]);
  if (notes.length > 0) lines.push('', 'errors (marked !):', ...notes.map((n) => `  ${n}`));
  const noisy = results.filter((r) => r.name !== 'direct' && (r.othersOnProxyCore ?? 0) > 0.05);
  if (noisy.length > 0) {
    lines.push('', `noise: other processes used the proxy core during wrk (${noisy.map((r) => `${r.name} ${pct(r.othersOnProxyCore ?? 0)}`).join(', ')}); rerun on a quiet machine`);
  }
  return lines.join('\n');
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function rps(r: ThroughputResult | undefined): string {
  if (!r) return 'n/a';
  return `${Math.round(r.requestsPerSecond).toLocaleString('en-US')}${r.errors > 0 ? ' !' : ''}`;
}

function pct(ratio: number): string {
  return Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : 'n/a';
}

function ms(value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) ? `${value.toFixed(2)} ms` : 'n/a';
}

function mb(bytes: number | undefined): string {
  return bytes !== undefined && Number.isFinite(bytes) ? `${(bytes / MB).toFixed(0)} MB` : 'n/a';
}
