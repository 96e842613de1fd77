// Push latency: route changes made one after another (a PATCH of the first backend's weight of a
// hot Service's first HTTPRoute), each timed from just before the PATCH to the last ACK, by every
// simulated sidecar holding that Service, of a delta carrying its new version. The controller's own
// histogram (watch event → last ACK) is read before and after, as a cross-check.
import { objectPath, type KubeHttp } from '../../src/controller/kube/kube-http.js';
import { serviceResourceName } from '../../src/configsync/resources.js';
import { percentile } from '../stats.js';
import type { RunningController } from './controller.js';
import type { Fleet } from './fleet.js';
import type { MeshPlan } from './mesh-plan.js';

export interface PushResult {
  changes: number;
  /** Completed pushes, ms, in the order made. */
  latenciesMs: number[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Changes not ACKed by every holder within the timeout (or with no holder at all). */
  incomplete: number;
  /** Simulated sidecars that held the changed Service, averaged over changes. */
  holdersMean: number;
  /** The controller's sidelane_configsync_push_latency_seconds over the changes. */
  controllerHistogram: { count: number; sumSeconds: number; meanMs: number };
}

export interface PushRun {
  changes: number;
  timeoutMs: number;
  pauseMs: number;
}

export async function measurePushes(
  fleet: Fleet,
  http: KubeHttp,
  plan: MeshPlan,
  controller: RunningController,
  run: PushRun,
  report: (line: string) => void,
): Promise<PushResult> {
  const before = await controller.metrics();
  const latencies: number[] = [];
  let incomplete = 0;
  let holders = 0;
  for (let c = 0; c < run.changes; c++) {
    const { index, weight } = plan.change(c);
    const service = plan.service(index);
    const route = plan.routeName(index, 0);
    const sample = await fleet.measure(
      serviceResourceName(service),
      async () => {
        await http.request('PATCH', objectPath('gateway.networking.k8s.io/v1', 'httproutes', service.namespace, route), {
          body: [{ op: 'replace', path: '/spec/rules/0/backendRefs/0/weight', value: weight }],
          contentType: 'application/json-patch+json',
        });
      },
      run.timeoutMs,
    );
    holders += sample.holders;
    if (sample.latencyMs === undefined) {
      incomplete += 1;
      report(`change ${c + 1}: ${service.namespace}/${route} weight ${weight}: ${sample.answered}/${sample.holders} sidecars ACKed within ${run.timeoutMs} ms`);
    } else {
      latencies.push(sample.latencyMs);
    }
    if ((c + 1) % 10 === 0 || c + 1 === run.changes) {
      report(`${c + 1}/${run.changes} route changes; last: ${sample.latencyMs?.toFixed(0) ?? 'incomplete'} ms to ${sample.holders} sidecars`);
    }
    await new Promise((resolve) => setTimeout(resolve, run.pauseMs));
  }
  const after = await controller.metrics();
  const count = after.sum('sidelane_configsync_push_latency_seconds_count') - before.sum('sidelane_configsync_push_latency_seconds_count');
  const sumSeconds = after.sum('sidelane_configsync_push_latency_seconds_sum') - before.sum('sidelane_configsync_push_latency_seconds_sum');
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    changes: run.changes,
    latenciesMs: latencies,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    incomplete,
    holdersMean: run.changes > 0 ? holders / run.changes : 0,
    controllerHistogram: { count, sumSeconds, meanMs: count > 0 ? (sumSeconds / count) * 1000 : Number.NaN },
  };
}
