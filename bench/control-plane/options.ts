// Settings of the control-plane benchmark: the scale (Services, routes, simulated sidecars and
// their destinations) and how the run is done. Each comes from a flag (`--services 5000`) or,
// failing that, from the environment (`BENCH_CP_SERVICES=5000`), else from the issue's defaults.
import { parseArgs } from 'node:util';

export interface ControlPlaneBenchOptions {
  services: number;
  routesPerService: number;
  namespaces: number;
  subscribers: number;
  /** Destinations each simulated sidecar subscribes to. */
  destinations: number;
  /** Simulated sidecars per "hot" Service (the ones whose routes are changed). */
  watchers: number;
  /** Route changes measured one after another. */
  changes: number;
  /** Object creations in flight. */
  concurrency: number;
  /** Processes the simulated sidecars run in (0: one per 500 sidecars, at least 1). */
  fleetProcesses: number;
  /** Simulated sidecars connecting (not yet synced) at once. */
  connectConcurrency: number;
  /** Services of the small mesh the real sidecar is first measured in (the first ones created). */
  smallMesh: number;
  /** An existing API server; default: start one (kube-apiserver + etcd on loopback). */
  kubeconfig: string | undefined;
  /** Namespaces are `<prefix>-0` …; the Lease and pod names use it too. */
  prefix: string;
  /** Compile Sidelane with tsc first (as `npm run bench` does); false runs bin/sidelane.js through tsx. */
  build: boolean;
  /** Measure a real `sidelane proxy` in the small and the large mesh. */
  sidecar: boolean;
  /**
   * Let the bench's controller become leader and write route status, as in a cluster. False holds
   * its Lease for a phantom replica (for a shared API server whose routes belong to other tests).
   */
  statusWrites: boolean;
  /** Quiet time before the real sidecar's RSS is sampled, and samples taken. */
  settleMs: number;
  rssSamples: number;
  /** Sidecar processes measured one after another in each mesh (the median is reported). */
  sidecarProcesses: number;
  /** A route change not acknowledged by every affected sidecar within this counts as a timeout. */
  changeTimeoutMs: number;
  /** Pause between route changes, so one change's status write does not ride on the next. */
  changePauseMs: number;
  /** How long the controller's idle CPU is measured (without and with the simulated sidecars). */
  idleMs: number;
  /** How long the controller may take to take in every object (IR and route status). */
  convergeTimeoutMs: number;
  /** Extra node flags for the controller, space-separated (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
  controllerNodeFlags: string;
  /** Where the JSON report goes (relative to the repository root unless absolute). */
  out: string;
}

export const DEFAULT_OPTIONS: ControlPlaneBenchOptions = {
  services: 5000,
  routesPerService: 2,
  namespaces: 10,
  subscribers: 1000,
  destinations: 20,
  watchers: 20,
  changes: 30,
  concurrency: 32,
  fleetProcesses: 0,
  connectConcurrency: 100,
  smallMesh: 10,
  kubeconfig: undefined,
  prefix: 'bench-cp',
  build: true,
  sidecar: true,
  statusWrites: true,
  settleMs: 5000,
  rssSamples: 10,
  sidecarProcesses: 3,
  changeTimeoutMs: 60_000,
  changePauseMs: 300,
  idleMs: 10_000,
  convergeTimeoutMs: 20 * 60_000,
  controllerNodeFlags: '',
  out: 'bench/results/control-plane.json',
};

type Key = keyof ControlPlaneBenchOptions;
const NUMBERS: Key[] = [
  'services', 'routesPerService', 'namespaces', 'subscribers', 'destinations', 'watchers', 'changes', 'concurrency',
  'fleetProcesses', 'connectConcurrency', 'smallMesh', 'settleMs', 'rssSamples', 'sidecarProcesses', 'changeTimeoutMs', 'changePauseMs', 'idleMs', 'convergeTimeoutMs',
];
const BOOLEANS: Key[] = ['build', 'sidecar', 'statusWrites'];
const STRINGS: Key[] = ['kubeconfig', 'prefix', 'controllerNodeFlags', 'out'];

/** `routesPerService` ↔ `--routes-per-service` ↔ `BENCH_CP_ROUTES_PER_SERVICE`. */
function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function envName(key: string): string {
  return `BENCH_CP_${kebab(key).replace(/-/g, '_').toUpperCase()}`;
}

/** Flags win over the environment, which wins over the defaults. Throws on a bad value. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): ControlPlaneBenchOptions {
  const flagOptions: Record<string, { type: 'string' }> = {};
  for (const key of [...NUMBERS, ...BOOLEANS, ...STRINGS]) flagOptions[kebab(key)] = { type: 'string' };
  const { values } = parseArgs({ args: [...argv], options: flagOptions, strict: true, allowPositionals: false });
  const raw = (key: Key): string | undefined => {
    const flag = values[kebab(key)];
    return typeof flag === 'string' ? flag : env[envName(key)];
  };
  const options: ControlPlaneBenchOptions = { ...DEFAULT_OPTIONS };
  const record = options as unknown as Record<string, unknown>;
  for (const key of NUMBERS) {
    const text = raw(key);
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`--${kebab(key)} must be a whole number ≥ 0, got "${text}"`);
    record[key] = value;
  }
  for (const key of BOOLEANS) {
    const text = raw(key);
    if (text === undefined) continue;
    if (!['true', 'false', '1', '0'].includes(text)) throw new RangeError(`--${kebab(key)} must be true or false, got "${text}"`);
    record[key] = text === 'true' || text === '1';
  }
  for (const key of STRINGS) {
    const text = raw(key);
    if (text !== undefined && text !== '') record[key] = text;
  }
  return validated(options);
}

export function validated(options: ControlPlaneBenchOptions): ControlPlaneBenchOptions {
  const positive: Key[] = ['services', 'routesPerService', 'namespaces', 'destinations', 'watchers', 'concurrency', 'connectConcurrency'];
  for (const key of positive) {
    if (options[key] === 0) throw new RangeError(`--${kebab(key)} must be at least 1`);
  }
  if (options.destinations > options.services) throw new RangeError('--destinations cannot exceed --services');
  if (options.smallMesh > options.services) throw new RangeError('--small-mesh cannot exceed --services');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.prefix) || options.prefix.length > 40) {
    throw new RangeError(`--prefix must be a short DNS label, got "${options.prefix}"`);
  }
  return options;
}

export const USAGE = `usage: npm run bench:control-plane -- [flags]
Every flag can also be given as BENCH_CP_<NAME> (e.g. BENCH_CP_SERVICES=200).
${[...NUMBERS, ...BOOLEANS, ...STRINGS].map((key) => `  --${kebab(key)} <value>  (default ${key === 'kubeconfig' ? 'start a local API server' : JSON.stringify(DEFAULT_OPTIONS[key])})`).join('\n')}`;
