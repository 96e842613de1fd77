// The controller under test, as a child process: `sidelane controller` against the API server,
// its /metrics read as numbers, and "converged": the last object created is in what it serves
// and it has stopped translating and writing status. Also the Lease trick for shared servers.
import type { KubeHttp } from '../../src/controller/kube/kube-http.js';
import { destinationResourceName, endpointsResourceName, hostDestination, serviceResourceName } from '../../src/configsync/resources.js';
import { freePort } from '../processes.js';
import type { Child, Children } from './children.js';
import { SimulatedSidecar } from './subscriber.js';

export interface RunningController {
  child: Child;
  /** `127.0.0.1:<port>` of the config stream. */
  configAddress: string;
  metrics(): Promise<Metrics>;
}

export interface ControllerStart {
  entry: string;
  kubeconfigPath: string;
  leaseNamespace: string;
  leaseName: string;
  identity: string;
  /** Node flags before the entry script (profiling). */
  nodeFlags: readonly string[];
}

export async function startController(children: Children, start: ControllerStart, timeoutMs = 60_000): Promise<RunningController> {
  const configPort = await freePort();
  const httpPort = await freePort();
  const child = children.start('sidelane controller', [
    ...start.nodeFlags,
    start.entry, 'controller', '--kubeconfig', start.kubeconfigPath, '--namespace', start.leaseNamespace,
    '--identity', start.identity, '--lease-name', start.leaseName, '--config-listen', `127.0.0.1:${configPort}`,
    '--http-listen', `127.0.0.1:${httpPort}`, '--log-level', 'warn',
  ]);
  const base = `http://127.0.0.1:${httpPort}`;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (!child.running()) throw new Error(`the controller exited:\n${child.output()}`);
    const status = await fetch(`${base}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (performance.now() > deadline) throw new Error(`the controller was not ready within ${timeoutMs} ms:\n${child.output()}`);
    await sleep(200);
  }
  return {
    child,
    configAddress: `127.0.0.1:${configPort}`,
    metrics: async () => new Metrics(await (await fetch(`${base}/metrics`)).text()),
  };
}

/** Prometheus text, summed by metric name over the label sets a filter accepts. */
export class Metrics {
  readonly #samples: { name: string; labels: string; value: number }[] = [];

  constructor(text: string) {
    for (const line of text.split('\n')) {
      const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
      if (match) this.#samples.push({ name: match[1] ?? '', labels: match[2] ?? '', value: Number(match[3]) });
    }
  }

  sum(name: string, labelsInclude = ''): number {
    return this.#samples.filter((s) => s.name === name && s.labels.includes(labelsInclude)).reduce((a, s) => a + s.value, 0);
  }
}

/**
 * Makes the controller a follower for the whole run: the Lease is held by a replica that does not
 * exist, for a day. Used on a shared API server, where status writes would touch other tests' routes.
 */
export async function holdLeaseElsewhere(http: KubeHttp, namespace: string, name: string): Promise<void> {
  const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  await http.request('POST', `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`, {
    body: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace },
      spec: { holderIdentity: 'bench-phantom-replica', leaseDurationSeconds: 86_400, renewTime: now, acquireTime: now },
    },
  });
}

export interface Convergence {
  /** Until the probe saw the last Service with its last route. */
  servedAfterMs: number;
  /** Until translations and status writes had stopped for `quietMs`; undefined if they never did (in time). */
  quietAfterMs: number | undefined;
  statusWrites: number;
  translations: number;
}

/**
 * Waits until a probe stream subscribed to the last Service receives it with its last route and
 * its endpoints, then until the controller has neither translated nor written status for `quietMs`
 * (on a shared API server other users' changes may keep it busy: then it goes on at the deadline).
 */
export async function waitConverged(
  controller: RunningController,
  last: { namespace: string; name: string; route: string },
  timeoutMs: number,
  report: (line: string) => void,
  quietMs = 3000,
): Promise<Convergence> {
  const started = performance.now();
  const deadline = started + timeoutMs;
  const destination = hostDestination(`${last.name}.${last.namespace}`);
  const probe = new SimulatedSidecar(
    controller.configAddress,
    { id: -1, pod: 'bench-probe', namespace: last.namespace, destinations: [destination] },
    { acked: () => undefined, ended: () => undefined },
    { keepBodies: true },
  );
  const ref = { namespace: last.namespace, name: last.name };
  const served = (): boolean =>
    probe.held.has(destinationResourceName(destination)) &&
    probe.held.has(endpointsResourceName(ref)) &&
    (probe.bodies?.get(serviceResourceName(ref))?.toString('utf8').includes(`"name":"${last.route}"`) ?? false);
  probe.start();
  let servedAfterMs: number;
  try {
    while (!served()) {
      if (performance.now() > deadline) throw new Error(`the controller did not serve ${last.namespace}/${last.name} with route ${last.route} within ${timeoutMs} ms`);
      await sleep(100);
    }
    servedAfterMs = performance.now() - started;
  } finally {
    probe.close();
  }
  let previous = '';
  let quietSince = performance.now();
  let lastReport = performance.now();
  for (;;) {
    const m = await controller.metrics();
    const statusWrites = m.sum('sidelane_controller_status_writes_total');
    const translations = m.sum('sidelane_controller_translations_total');
    const now = performance.now();
    const state = `${statusWrites}/${translations}`;
    if (state !== previous) {
      previous = state;
      quietSince = now;
    } else if (now - quietSince >= quietMs) {
      return { servedAfterMs, quietAfterMs: quietSince - started, statusWrites, translations };
    }
    if (now > deadline) {
      report(`the controller was still translating or writing status after ${timeoutMs} ms; going on`);
      return { servedAfterMs, quietAfterMs: undefined, statusWrites, translations };
    }
    if (now - lastReport > 10_000) {
      lastReport = now;
      report(`controller still busy: ${statusWrites} status writes, ${translations} translations`);
    }
    await sleep(500);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
