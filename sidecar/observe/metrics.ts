// Prometheus metrics of one proxy: requests, TCP connections and bytes, UDP sessions and datagrams,
// config versions, and Node's process metrics, all on a registry of its own (tests run several proxies
// per process). Label-bound children are cached so that a request costs a Map lookup, not a label resolution.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type TrafficDirection = 'inbound' | 'outbound' | 'gateway';

/** Seconds, from 0.5 ms (a local hop) to 10 s (a slow upstream near its timeout). */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

const REQUEST_LABELS = ['direction', 'route', 'rule', 'backend', 'code'] as const;
const TCP_LABELS = ['direction', 'backend'] as const;
type RequestLabel = (typeof REQUEST_LABELS)[number];
type TcpLabel = (typeof TCP_LABELS)[number];

interface RequestSeries {
  count: Counter.Internal;
  duration: Histogram.Internal<RequestLabel>;
}

interface TcpSeries {
  opened: Counter.Internal;
  active: Gauge.Internal<TcpLabel>;
  sent: Counter.Internal;
  received: Counter.Internal;
}

/** UDP (gateway UDPRoutes): sessions are per client address:port; flow as for TCP bytes. */
interface UdpSeries {
  opened: Counter.Internal;
  active: Gauge.Internal<TcpLabel>;
  sentDatagrams: Counter.Internal;
  receivedDatagrams: Counter.Internal;
  sentBytes: Counter.Internal;
  receivedBytes: Counter.Internal;
}

export interface ProxyMetricsOptions {
  /** Node process metrics (CPU, memory, event loop, GC) on the same registry; default true. */
  defaultMetrics?: boolean;
}

export class ProxyMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<RequestLabel>;
  readonly #requestDuration: Histogram<RequestLabel>;
  readonly #tcpOpened: Counter<TcpLabel>;
  readonly #tcpActive: Gauge<TcpLabel>;
  readonly #tcpBytes: Counter<'direction' | 'backend' | 'flow'>;
  readonly #configInfo: Gauge<'version'>;
  readonly #configApplied: Counter;
  readonly #configRejected: Counter<'reason'>;
  readonly #requestSeries = new Map<string, RequestSeries>();
  readonly #tcpSeries = new Map<string, TcpSeries>();
  readonly #udpSessionsOpened: Counter<TcpLabel>;
  readonly #udpSessionsActive: Gauge<TcpLabel>;
  readonly #udpDatagrams: Counter<'direction' | 'backend' | 'flow'>;
  readonly #udpBytes: Counter<'direction' | 'backend' | 'flow'>;
  readonly #udpDropped: Counter<'direction' | 'reason'>;
  readonly #udpSeries = new Map<string, UdpSeries>();

  constructor(options: ProxyMetricsOptions = {}) {
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'sidelane_requests_total',
      help: 'Requests handled, by direction, route, rule, backend Service and response code.',
      labelNames: REQUEST_LABELS,
      registers,
    });
    this.#requestDuration = new Histogram({
      name: 'sidelane_request_duration_seconds',
      help: 'Time from request received to response complete, in seconds.',
      labelNames: REQUEST_LABELS,
      buckets: [...REQUEST_DURATION_BUCKETS],
      registers,
    });
    this.#tcpOpened = new Counter({
      name: 'sidelane_tcp_connections_opened_total',
      help: 'TCP connections proxied, by direction and backend Service.',
      labelNames: TCP_LABELS,
      registers,
    });
    this.#tcpActive = new Gauge({
      name: 'sidelane_tcp_connections_active',
      help: 'TCP connections open now, by direction and backend Service.',
      labelNames: TCP_LABELS,
      registers,
    });
    this.#tcpBytes = new Counter({
      name: 'sidelane_tcp_bytes_total',
      help: 'Bytes proxied over TCP; flow=sent is toward the backend, flow=received is from it.',
      labelNames: ['direction', 'backend', 'flow'],
      registers,
    });
    this.#udpSessionsOpened = new Counter({
      name: 'sidelane_udp_sessions_opened_total',
      help: 'UDP sessions (one per client address and port) opened, by direction and backend Service.',
      labelNames: TCP_LABELS,
      registers,
    });
    this.#udpSessionsActive = new Gauge({
      name: 'sidelane_udp_sessions_active',
      help: 'UDP sessions open now, by direction and backend Service.',
      labelNames: TCP_LABELS,
      registers,
    });
    this.#udpDatagrams = new Counter({
      name: 'sidelane_udp_datagrams_total',
      help: 'Datagrams proxied over UDP; flow=sent is toward the backend, flow=received is from it.',
      labelNames: ['direction', 'backend', 'flow'],
      registers,
    });
    this.#udpBytes = new Counter({
      name: 'sidelane_udp_bytes_total',
      help: 'Payload bytes proxied over UDP; flow=sent is toward the backend, flow=received is from it.',
      labelNames: ['direction', 'backend', 'flow'],
      registers,
    });
    this.#udpDropped = new Counter({
      name: 'sidelane_udp_datagrams_dropped_total',
      help: 'Client datagrams not forwarded, by reason (no_route, no_backend, no_endpoint, queue_full, send_failed).',
      labelNames: ['direction', 'reason'],
      registers,
    });
    this.#configInfo = new Gauge({
      name: 'sidelane_config_info',
      help: 'The config version in use (value 1; only the current version is present).',
      labelNames: ['version'],
      registers,
    });
    this.#configApplied = new Counter({
      name: 'sidelane_config_applied_total',
      help: 'Config versions applied.',
      registers,
    });
    this.#configRejected = new Counter({
      name: 'sidelane_config_rejected_total',
      help: 'Config versions rejected (NACKed), by reason.',
      labelNames: ['reason'],
      registers,
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** One finished HTTP/gRPC request; `code` is the status sent to the client (0: none). */
  observeRequest(
    direction: TrafficDirection,
    route: string,
    rule: string,
    backend: string,
    code: number,
    seconds: number,
  ): void {
    const key = `${direction}\u0000${route}\u0000${rule}\u0000${backend}\u0000${code}`;
    let series = this.#requestSeries.get(key);
    if (series === undefined) {
      const labels = [direction, route, rule, backend, String(code)];
      series = { count: this.#requests.labels(...labels), duration: this.#requestDuration.labels(...labels) };
      this.#requestSeries.set(key, series);
    }
    series.count.inc();
    series.duration.observe(seconds);
  }

  tcpOpened(direction: TrafficDirection, backend: string): void {
    const series = this.#tcp(direction, backend);
    series.opened.inc();
    series.active.inc();
  }

  /** Bytes moved so far on a long-lived connection, so the counters move before it closes. */
  tcpTransferred(direction: TrafficDirection, backend: string, bytesSent: number, bytesReceived: number): void {
    const series = this.#tcp(direction, backend);
    if (bytesSent > 0) series.sent.inc(bytesSent);
    if (bytesReceived > 0) series.received.inc(bytesReceived);
  }

  /** The connection closed; the bytes are those not yet reported through `tcpTransferred`. */
  tcpClosed(direction: TrafficDirection, backend: string, bytesSent: number, bytesReceived: number): void {
    this.tcpTransferred(direction, backend, bytesSent, bytesReceived);
    this.#tcp(direction, backend).active.dec();
  }

  udpSessionOpened(direction: TrafficDirection, backend: string): void {
    const series = this.#udp(direction, backend);
    series.opened.inc();
    series.active.inc();
  }

  udpSessionClosed(direction: TrafficDirection, backend: string): void {
    this.#udp(direction, backend).active.dec();
  }

  /** One datagram of `bytes` payload bytes, toward the backend (sent) or from it (received). */
  udpDatagram(direction: TrafficDirection, backend: string, flow: 'sent' | 'received', bytes: number): void {
    const series = this.#udp(direction, backend);
    if (flow === 'sent') {
      series.sentDatagrams.inc();
      series.sentBytes.inc(bytes);
    } else {
      series.receivedDatagrams.inc();
      series.receivedBytes.inc(bytes);
    }
  }

  udpDropped(direction: TrafficDirection, reason: string): void {
    this.#udpDropped.labels(direction, reason).inc();
  }

  configApplied(version: string): void {
    this.#configInfo.reset();
    this.#configInfo.labels(version).set(1);
    this.#configApplied.inc();
  }

  configRejected(reason: string): void {
    this.#configRejected.labels(reason).inc();
  }

  /** The Prometheus text exposition of every metric of this proxy. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  #tcp(direction: TrafficDirection, backend: string): TcpSeries {
    const key = `${direction}\u0000${backend}`;
    let series = this.#tcpSeries.get(key);
    if (series === undefined) {
      series = {
        opened: this.#tcpOpened.labels(direction, backend),
        active: this.#tcpActive.labels(direction, backend),
        sent: this.#tcpBytes.labels(direction, backend, 'sent'),
        received: this.#tcpBytes.labels(direction, backend, 'received'),
      };
      this.#tcpSeries.set(key, series);
    }
    return series;
  }

  #udp(direction: TrafficDirection, backend: string): UdpSeries {
    const key = `${direction}\u0000${backend}`;
    let series = this.#udpSeries.get(key);
    if (series === undefined) {
      series = {
        opened: this.#udpSessionsOpened.labels(direction, backend),
        active: this.#udpSessionsActive.labels(direction, backend),
        sentDatagrams: this.#udpDatagrams.labels(direction, backend, 'sent'),
        receivedDatagrams: this.#udpDatagrams.labels(direction, backend, 'received'),
        sentBytes: this.#udpBytes.labels(direction, backend, 'sent'),
        receivedBytes: this.#udpBytes.labels(direction, backend, 'received'),
      };
      this.#udpSeries.set(key, series);
    }
    return series;
  }
}
