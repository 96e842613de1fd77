// The Helm chart as the tests see it: `helm template` / `helm lint` of charts/sidelane with the helm
// `npm test` provides (SIDELANE_HELM, else scripts/helm/binary.ts finds or builds it), values
// passed as a file, the output parsed into objects.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { helmBinary } from '../../scripts/helm/binary.js';

export const CHART_DIR = fileURLToPath(new URL('../../charts/sidelane', import.meta.url));

const run = promisify(execFile);
/** Once per process: helmBinary() checks the cached binary's version by running it. */
let binary: Promise<string> | undefined;

export interface ChartOptions {
  /** Default `sidelane`. */
  release?: string;
  /** Default `sidelane-system`. */
  namespace?: string;
  /** Overrides of values.yaml (deep-merged by helm). */
  values?: Record<string, unknown>;
}

/** A rendered object: every chart object has a name. */
export type ChartObject = KubernetesObject & { kind: string; metadata: { name: string; namespace?: string } };

/** Runs helm with `args` (and `-f <values file>` when values are given); rejects with helm's stderr. */
export async function helm(args: string[], values?: Record<string, unknown>): Promise<string> {
  binary ??= helmBinary((m) => { process.stderr.write(`[helm] ${m}\n`); });
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-chart-'));
  try {
    const valuesArgs: string[] = [];
    if (values !== undefined) {
      // JSON is YAML: no quoting rules of --set to get wrong.
      await writeFile(join(dir, 'values.yaml'), JSON.stringify(values));
      valuesArgs.push('-f', join(dir, 'values.yaml'));
    }
    const { stdout } = await run(await binary, [...args, ...valuesArgs], {
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
      // helm keeps nothing of ours: its config, cache and data directories are this call's.
      env: { ...process.env, HELM_CONFIG_HOME: dir, HELM_CACHE_HOME: dir, HELM_DATA_HOME: dir },
    });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`helm ${args.join(' ')} failed: ${stderr || String(err)}`, { cause: err });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `helm template` of the chart, as objects in the order helm prints them (helm's install order). */
export async function renderChart(options: ChartOptions = {}): Promise<ChartObject[]> {
  const text = await helm(
    ['template', options.release ?? 'sidelane', CHART_DIR, '--namespace', options.namespace ?? 'sidelane-system'],
    options.values,
  );
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as ChartObject | null)
    .filter((obj): obj is ChartObject => obj !== null && typeof obj === 'object' && typeof obj.kind === 'string');
}

/** The one object of `kind` (named `name`, when given); throws when there is not exactly one. */
export function only(objects: readonly ChartObject[], kind: string, name?: string): ChartObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name === undefined ? '' : ` ${name}`}, found ${String(found.length)}`);
  return found[0] as ChartObject;
}
