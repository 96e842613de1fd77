// What the gateway rows found: HTTPS termination throughput with keep-alive and with a new TLS
// connection per request, each proxy's ratio to nginx and to haproxy in the same run, memory,
// CPU and the TLS version and cipher actually negotiated.
import type { ThroughputResult } from './load.js';
import { markdownTable } from './report.js';

export type GatewayTargetName = 'nginx' | 'haproxy' | 'sidelane';
export const GATEWAY_TARGETS: readonly GatewayTargetName[] = ['nginx', 'haproxy', 'sidelane'];

export interface GatewayResult {
  name: GatewayTargetName;
  /** Protocol and cipher a probe negotiated (e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384"). */
  tls?: string;
  /** wrk over HTTPS, keep-alive: TLS record work and proxying, few handshakes. */
  keepAlive?: ThroughputResult;
  /** wrk over HTTPS with `Connection: close`: a full handshake per request (no resumption). */
  handshakes?: ThroughputResult;
  /** Max RSS (bytes) of the proxy's processes during both runs. */
  rss?: number;
  /**
   * Share of one core the proxy used during each run. Below ~95% the load side (wrk doing TLS too,
   * on the core it shares with the backend) was the limit, not the proxy.
   */
  cpuKeepAlive?: number;
  cpuHandshakes?: number;
  /** Why a measurement is missing (the run went on without it). */
  failures: string[];
}

export interface GatewayReport {
  certificate: string;
  method: Record<string, string>;
  results: GatewayResult[];
}

type Measure = (r: GatewayResult) => ThroughputResult | undefined;

/** `value / of`, NaN when either is missing or `of` had errors (a ratio to a broken run means nothing). */
export function ratio(value: ThroughputResult | undefined, of: ThroughputResult | undefined): number {
  if (!value || !of || of.errors > 0 || !(of.requestsPerSecond > 0)) return Number.NaN;
  return value.requestsPerSecond / of.requestsPerSecond;
}

export function formatGatewayTable(report: GatewayReport): string {
  const by = (name: GatewayTargetName): GatewayResult | undefined => report.results.find((r) => r.name === name);
  const vs = (r: GatewayResult, measure: Measure, reference: GatewayTargetName): string =>
    r.name === reference ? '—' : pct(ratio(measure(r), measure(by(reference) ?? { name: reference, failures: [] })));
  const keepAlive: Measure = (r) => r.keepAlive;
  const handshakes: Measure = (r) => r.handshakes;
  const header = [
    'gateway (HTTPS → HTTP/1.1)', 'keep-alive req/s', 'vs nginx', 'vs haproxy', 'p50 / p99', 'CPU', 'req/s per core',
    'new conn/s', 'vs nginx', 'vs haproxy', 'CPU', 'RSS max', 'TLS',
  ];
  const rows = report.results.map((r) => [
    r.name,
    rps(r.keepAlive),
    vs(r, keepAlive, 'nginx'),
    vs(r, keepAlive, 'haproxy'),
    r.keepAlive ? `${ms(r.keepAlive.latencyMs.p50)} / ${ms(r.keepAlive.latencyMs.p99)}` : 'n/a',
    r.cpuKeepAlive === undefined ? 'n/a' : pct(r.cpuKeepAlive),
    perCore(r.keepAlive, r.cpuKeepAlive),
    rps(r.handshakes),
    vs(r, handshakes, 'nginx'),
    vs(r, handshakes, 'haproxy'),
    r.cpuHandshakes === undefined ? 'n/a' : pct(r.cpuHandshakes),
    r.rss === undefined ? 'n/a' : `${(r.rss / (1024 * 1024)).toFixed(0)} MB`,
    r.tls ?? 'n/a',
  ]);
  const lines = [markdownTable(header, rows), '', `certificate: ${report.certificate}, the same for all three`];
  const loadBound = report.results.filter((r) => r.cpuKeepAlive !== undefined && r.cpuKeepAlive < 0.9);
  if (loadBound.length > 0) {
    lines.push(
      `load-bound: ${loadBound.map((r) => `${r.name} used ${pct(r.cpuKeepAlive ?? Number.NaN)} of its core`).join(', ')} with keep-alive —` +
        ' wrk (doing TLS too) was the limit there; "req/s per core" compares the proxies\' cost instead',
    );
  }
  const notes = report.results.flatMap((r) => [
    ...(r.keepAlive && r.keepAlive.errors > 0 ? [`${r.name} keep-alive: ${r.keepAlive.errorDetail}`] : []),
    ...(r.handshakes && r.handshakes.errors > 0 ? [`${r.name} new connections: ${r.handshakes.errorDetail}`] : []),
    ...r.failures.map((f) => `${r.name}: ${f}`),
  ]);
  if (notes.length > 0) lines.push('', 'gateway errors (marked !):', ...notes.map((n) => `  ${n}`));
  return lines.join('\n');
}

function rps(r: ThroughputResult | undefined): string {
  if (!r) return 'n/a';
  return `${Math.round(r.requestsPerSecond).toLocaleString('en-US')}${r.errors > 0 ? ' !' : ''}`;
}

/** Throughput per core of the proxy: what it would do with the whole core, the cost comparison. */
function perCore(r: ThroughputResult | undefined, cpu: number | undefined): string {
  if (!r || cpu === undefined || !(cpu > 0)) return 'n/a';
  return Math.round(r.requestsPerSecond / cpu).toLocaleString('en-US');
}

function pct(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value * 100)}%` : 'n/a';
}

function ms(value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) ? `${value.toFixed(2)} ms` : 'n/a';
}
