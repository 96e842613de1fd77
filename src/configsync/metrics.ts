// Prometheus metrics of the config server (prefix sidelane_configsync_). Gauges of live state are
// read from the server on scrape, so they cannot drift from it; NACK reasons go to the log, never
// into labels (free text would explode the series count).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface LiveCounts {
  proxies: number;
  subscriptions: number;
}

export class ConfigSyncMetrics {
  readonly pushes: Counter;
  readonly acks: Counter;
  readonly nacks: Counter;
  readonly pushLatency: Histogram;
  readonly #versionInfo: Gauge<'version'>;

  constructor(registry: Registry, live: () => LiveCounts) {
    const registers = [registry];
    new Gauge({
      name: 'sidelane_configsync_connected_proxies',
      help: 'Proxies with an open config stream (after their hello).',
      registers,
      collect() {
        this.set(live().proxies);
      },
    });
    new Gauge({
      name: 'sidelane_configsync_subscriptions',
      help: 'Destinations subscribed to, summed over connected proxies.',
      registers,
      collect() {
        this.set(live().subscriptions);
      },
    });
    this.pushes = new Counter({
      name: 'sidelane_configsync_pushes_total',
      help: 'Deltas sent to proxies.',
      registers,
    });
    this.acks = new Counter({
      name: 'sidelane_configsync_acks_total',
      help: 'Deltas proxies acknowledged (applied).',
      registers,
    });
    this.nacks = new Counter({
      name: 'sidelane_configsync_nacks_total',
      help: 'Deltas proxies rejected (they kept their last good config); the reason is logged.',
      registers,
    });
    this.pushLatency = new Histogram({
      name: 'sidelane_configsync_push_latency_seconds',
      help: 'From the first change that led to a config version to the last ACK/NACK of it by the proxies it was pushed to.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#versionInfo = new Gauge({
      name: 'sidelane_configsync_config_version_info',
      help: 'The config version this server serves (value 1).',
      labelNames: ['version'],
      registers,
    });
  }

  version(version: string): void {
    this.#versionInfo.reset();
    this.#versionInfo.set({ version }, 1);
  }
}
