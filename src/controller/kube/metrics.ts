// The controller's Prometheus metrics (prefix sidelane_controller_), registered into the
// registry the caller serves, so two controllers in one process (tests) do not collide.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { StatusWriteResult } from './status-writer.js';

export interface ControllerMetricsSources {
  problems: () => number;
}

export class ControllerMetrics {
  readonly watchEvents: Counter<'kind' | 'type'>;
  readonly translations: Counter;
  readonly translationDuration: Histogram;
  readonly statusWrites: Counter<'result'>;
  readonly isLeader: Gauge;
  readonly configVersion: Gauge<'version'>;
  readonly informerProblems: Gauge;
  #version: string | undefined;

  constructor(registry: Registry, sources: ControllerMetricsSources) {
    const registers = [registry];
    this.watchEvents = new Counter({
      name: 'sidelane_controller_watch_events_total',
      help: 'Watch events received from the API server, by kind and event type.',
      labelNames: ['kind', 'type'],
      registers,
    });
    this.translations = new Counter({
      name: 'sidelane_controller_translations_total',
      help: 'Translations of the cluster snapshot into the IR.',
      registers,
    });
    this.translationDuration = new Histogram({
      name: 'sidelane_controller_translation_duration_seconds',
      help: 'Time to build the snapshot and translate it.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.statusWrites = new Counter({
      name: 'sidelane_controller_status_writes_total',
      help: 'Route status writes (server-side apply), by result: applied, conflict, error.',
      labelNames: ['result'],
      registers,
    });
    for (const result of ['applied', 'conflict', 'error'] satisfies StatusWriteResult[]) this.statusWrites.inc({ result }, 0);
    this.isLeader = new Gauge({
      name: 'sidelane_controller_is_leader',
      help: '1 while this replica holds the lease and writes status.',
      registers,
    });
    this.configVersion = new Gauge({
      name: 'sidelane_controller_config_version_info',
      help: 'The IR version currently published (value 1).',
      labelNames: ['version'],
      registers,
    });
    this.informerProblems = new Gauge({
      name: 'sidelane_controller_informer_problems',
      help: 'Problems with watched resources (missing CRDs, failing watches).',
      registers,
      collect() {
        this.set(sources.problems());
      },
    });
  }

  setVersion(version: string): void {
    if (this.#version !== undefined) this.configVersion.remove({ version: this.#version });
    this.#version = version;
    this.configVersion.set({ version }, 1);
  }
}
