// The control-plane benchmark, start to end: an API server, the small mesh, the controller and a
// real sidecar measured in it; then the large mesh created fast, the controller catching up, the
// sidecar measured again; then the simulated sidecars connected and route changes timed to their
// last ACK. Every phase's controller CPU and RSS is recorded; whatever fails is reported and what
// was started is stopped.
import { cpus, loadavg } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeHttp } from '../../src/controller/kube/kube-http.js';
import { startEcho } from '../../src/echo/index.js';
import { startLocalKube } from '../../scripts/kube/env.js';
import { cpuSeconds, rssBytes, RssSampler } from '../processes.js';
import { Children, hasSubcommand, sidelaneEntry } from './children.js';
import { holdLeaseElsewhere, startController, waitConverged } from './controller.js';
import { combine, createMany, createObject, type CreationStats } from './create.js';
import { Fleet } from './fleet.js';
import { MeshPlan } from './mesh-plan.js';
import type { ControlPlaneBenchOptions } from './options.js';
import { measurePushes } from './push.js';
import { evaluateTargets, type ControlPlaneReport, type PhaseUsage } from './report.js';
import { describeMethod } from './method.js';
import { hostIPv4, measureSidecar, type SidecarRss } from './sidecar.js';

export interface BenchContext {
  /** The repository root. */
  root: string;
  log: (line: string) => void;
  /** Stops what was started; run by the bench at the end, or by the caller on a signal. */
  cleanups: Cleanups;
  /** Where the sidelane processes are tracked (the caller may kill them on process exit). */
  children?: Children;
}

export class Cleanups {
  readonly #steps: (() => Promise<void>)[] = [];

  add(step: () => Promise<void>): void {
    this.#steps.push(step);
  }

  /** Last added first; each step once, failures ignored. */
  async run(): Promise<void> {
    while (this.#steps.length > 0) await this.#steps.pop()?.().catch(() => undefined);
  }
}

interface Phase {
  name: string;
  started: number;
  /** Controller CPU seconds at the start (0 before it runs). */
  cpu: number;
}

const SIDECAR_HOSTS = 5;
const SIDECAR_ROUNDS = 3;

export async function runControlPlaneBench(options: ControlPlaneBenchOptions, ctx: BenchContext): Promise<ControlPlaneReport> {
  const { log } = ctx;
  const plan = new MeshPlan(options);
  const fleetProcesses = options.fleetProcesses > 0 ? options.fleetProcesses : Math.max(1, Math.ceil(options.subscribers / 500));
  const report: ControlPlaneReport = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, loadAverageAtStart: loadavg() },
    versions: { node: process.version },
    options,
    method: [],
    scale: {
      services: options.services,
      endpointSlices: options.services,
      httpRoutes: options.services * options.routesPerService,
      namespaces: plan.namespaces().length,
      subscribers: options.subscribers,
      subscriptions: options.subscribers * options.destinations,
      hotServices: plan.hot.length,
    },
    controller: { rssMax: Number.NaN, phases: [] },
    sidecar: {},
    failures: [],
    targets: [],
  };
  const children = ctx.children ?? new Children();
  let rss: RssSampler | undefined;
  let controllerPid = 0;
  const phase = (name: string): Phase => ({ name, started: performance.now(), cpu: cpuSeconds([controllerPid]) });
  const endPhase = (p: Phase): PhaseUsage => {
    const usage = {
      name: p.name,
      wallSeconds: (performance.now() - p.started) / 1000,
      cpuSeconds: cpuSeconds([controllerPid]) - p.cpu,
      rssAfter: rssBytes([controllerPid]),
    };
    report.controller.phases.push(usage);
    return usage;
  };
  const idle = async (name: string): Promise<void> => {
    const p = phase(name);
    await new Promise((resolve) => setTimeout(resolve, options.idleMs));
    endPhase(p);
  };
  try {
    let kubeconfigPath = options.kubeconfig;
    if (kubeconfigPath === undefined) {
      log('starting kube-apiserver and etcd (Gateway API CRDs, standard channel)');
      const kube = await startLocalKube({ crds: 'standard', progress: (m) => { log(m); } });
      ctx.cleanups.add(() => kube.stop());
      kubeconfigPath = kube.kubeconfigPath;
    }
    // Registered after the API server, so they stop before it does.
    ctx.cleanups.add(() => children.stopAll());
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    const http = new KubeHttp(kubeConfig);
    report.versions.kubeApiserver = ((await http.get('/version')) as { gitVersion?: string }).gitVersion ?? '?';
    const entry = sidelaneEntry(ctx.root, options.build, log);
    const echoHost = hostIPv4();
    const hasProxy = options.sidecar && hasSubcommand(entry, 'proxy');
    const withSidecar = hasProxy && echoHost !== undefined;
    if (!options.sidecar) report.sidecar.skipped = '--sidecar false';
    else if (!hasProxy) report.sidecar.skipped = 'this build has no `sidelane proxy` command';
    else if (echoHost === undefined) report.sidecar.skipped = 'no non-loopback IPv4 address for the echo backend (EndpointSlices refuse 127.0.0.0/8)';
    report.method = describeMethod(options, report, plan, fleetProcesses);

    const echo = await startEcho({ name: 'bench-echo', host: echoHost ?? '127.0.0.1', port: 0 });
    ctx.cleanups.add(() => echo.close());
    for (const namespace of plan.namespaces()) await createObject(http, plan.namespaceObject(namespace));
    const leaseName = `${options.prefix}-controller`;
    if (!options.statusWrites) await holdLeaseElsewhere(http, 'default', leaseName);

    const clusterIPs = new Map<number, string>();
    const createRange = async (from: number, to: number): Promise<CreationStats> => {
      const count = to - from;
      const routes = options.routesPerService;
      const common = { concurrency: options.concurrency, report: log };
      const services = await createMany(http, count, (i) => plan.serviceObject(from + i), {
        ...common,
        what: 'Services',
        created: (i, stored) => {
          const ip = (stored.spec as { clusterIP?: string } | undefined)?.clusterIP;
          if (ip !== undefined && ip !== 'None') clusterIPs.set(from + i, ip);
        },
      });
      const echoAt = echoHost === undefined ? undefined : { address: echoHost, port: echo.address.port };
      const slices = await createMany(http, count, (i) => plan.endpointSliceObject(from + i, from + i < options.smallMesh ? echoAt : undefined), {
        ...common,
        what: 'EndpointSlices',
      });
      const httpRoutes = await createMany(http, count * routes, (i) => plan.routeObject(from + Math.floor(i / routes), i % routes), { ...common, what: 'HTTPRoutes' });
      return combine([services, slices, httpRoutes]);
    };
    const lastOf = (to: number): { namespace: string; name: string; route: string } => ({
      ...plan.service(to - 1),
      route: plan.routeName(to - 1, options.routesPerService - 1),
    });

    log(`creating the small mesh (${options.smallMesh} Services) and starting the controller`);
    await createRange(0, options.smallMesh);
    const startup = phase('start-up, small mesh');
    const controller = await startController(children, {
      entry,
      kubeconfigPath,
      leaseNamespace: 'default',
      leaseName,
      identity: `${options.prefix}-controller-0`,
      nodeFlags: options.controllerNodeFlags.split(' ').filter((f) => f !== ''),
    });
    controllerPid = controller.child.pid;
    rss = new RssSampler([controllerPid], 250);
    await waitConverged(controller, lastOf(options.smallMesh), 120_000, log);
    endPhase(startup);

    const sidecarIn = async (meshServices: number): Promise<SidecarRss | undefined> => {
      if (!withSidecar) return undefined;
      log(`measuring a real sidecar in a mesh of ${meshServices} Services`);
      try {
        return await measureSidecar(children, {
          entry,
          configAddress: controller.configAddress,
          namespace: plan.service(0).namespace,
          hosts: Array.from({ length: Math.min(SIDECAR_HOSTS, options.smallMesh) }, (_, i) => plan.host(i)),
          rounds: SIDECAR_ROUNDS,
          settleMs: options.settleMs,
          samples: options.rssSamples,
          processes: Math.max(1, options.sidecarProcesses),
          meshServices,
        });
      } catch (err) {
        report.failures.push(`sidecar in a mesh of ${meshServices} Services: ${firstLine(err)}`);
        return undefined;
      }
    };
    report.sidecar.small = await sidecarIn(options.smallMesh);

    log(`creating the rest: ${options.services - options.smallMesh} Services, their EndpointSlices and HTTPRoutes`);
    const ingested = (options.services - options.smallMesh) * (2 + options.routesPerService);
    const ingest = phase(`ingest: create ${ingested.toLocaleString('en-US')} objects, catch up`);
    const created = await createRange(options.smallMesh, options.services);
    report.creation = { ...created, perSecond: created.objects / created.seconds };
    log(`created ${created.objects} objects in ${created.seconds.toFixed(1)} s; waiting for the controller to catch up`);
    report.convergence = await waitConverged(controller, lastOf(options.services), options.convergeTimeoutMs, log);
    endPhase(ingest);
    report.sidecar.large = await sidecarIn(options.services);
    await idle(`idle, no sidecars (${options.idleMs / 1000} s)`);

    log(`connecting ${options.subscribers} simulated sidecars (${fleetProcesses} worker process(es))`);
    const connect = phase(`connect ${options.subscribers.toLocaleString('en-US')} simulated sidecars`);
    const fleet = Fleet.start({
      address: controller.configAddress,
      subscribers: plan.subscribers(clusterIPs),
      processes: fleetProcesses,
      connectConcurrency: options.connectConcurrency,
    });
    ctx.cleanups.add(() => fleet.stop());
    await fleet.waitSynced(options.subscribers, Math.max(120_000, options.subscribers * 500), log);
    const connected = endPhase(connect);
    report.fleet = { processes: fleetProcesses, connectSeconds: connected.wallSeconds };
    await idle(`idle, ${options.subscribers.toLocaleString('en-US')} sidecars connected (${options.idleMs / 1000} s)`);

    log(`timing ${options.changes} route changes`);
    const changes = phase(`route changes (${options.changes})`);
    const fleetCpu = cpuSeconds(fleet.pids);
    report.push = await measurePushes(fleet, http, plan, controller, { changes: options.changes, timeoutMs: options.changeTimeoutMs, pauseMs: options.changePauseMs }, log);
    report.fleet.cpuSecondsDuringChanges = cpuSeconds(fleet.pids) - fleetCpu;
    endPhase(changes);
  } catch (err) {
    report.failures.push(firstLine(err));
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    if (rss) report.controller.rssMax = rss.stop();
    await ctx.cleanups.run();
  }
  report.targets = evaluateTargets(report);
  return report;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
