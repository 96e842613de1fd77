// `npm run bench:control-plane`: the control plane at the scale (5,000 Services, 10,000
// HTTPRoutes, 1,000 simulated sidecars) against a real API server. Prints the method, the figures
// and PASS/FAIL against the targets, and writes the JSON report (bench/results/control-plane.json).
// Settings: flags or BENCH_CP_* variables (see options.ts, `-- --help`).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cleanups, runControlPlaneBench } from './bench.js';
import { Children } from './children.js';
import { parseOptions, USAGE, type ControlPlaneBenchOptions } from './options.js';
import { formatReport } from './report.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const log = (line: string): void => {
  process.stderr.write(`bench:control-plane: ${line}\n`);
};

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

let options: ControlPlaneBenchOptions;
try {
  options = parseOptions(process.argv.slice(2), process.env);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
  process.exit(2);
}

const cleanups = new Cleanups();
const children = new Children();
// Last resort (an uncaught error): the controller and sidecars run in their own process groups.
process.on('exit', () => {
  children.killAllNow();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping everything`);
    void cleanups.run().finally(() => process.exit(130));
  });
}

const report = await runControlPlaneBench(options, { root, log, cleanups, children });
const out = isAbsolute(options.out) ? options.out : join(root, options.out);
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`\n${formatReport(report)}\n\nresults: ${relative(root, out)}\n`);
if (report.failures.length > 0 || (process.env.BENCH_STRICT === '1' && report.targets.some((t) => !t.passed))) process.exitCode = 1;
