// `sidelane translate -f <file|dir> [-f …]`: the IR and every route status, as YAML (or JSON).
// The same translation the controller runs, on files, so users can see what Sidelane makes of
// their manifests before applying them.
import type { Command } from 'commander';
import YAML from 'yaml';
import { formatManifestError } from '../api/objects.js';
import { loadManifestFiles } from '../controller/filesource.js';
import { translate, DEFAULT_CLUSTER_DOMAIN } from '../translate/index.js';
import { validate, normalize } from '../ir/index.js';
import type { CliIo } from './io.js';

interface TranslateFlags {
  filename: string[];
  namespace: string;
  clusterDomain: string;
  output: 'yaml' | 'json';
}

export function registerTranslateCommand(program: Command, io: CliIo): void {
  program
    .command('translate')
    .description('print the IR and the status of every route translated from Kubernetes YAML files')
    .requiredOption('-f, --filename <path>', 'a file or directory of manifests (repeatable)', collect, [])
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('--cluster-domain <domain>', 'cluster DNS suffix', DEFAULT_CLUSTER_DOMAIN)
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .action(async (flags: TranslateFlags) => {
      io.exitCode(await runTranslate(flags, io));
    });
}

export async function runTranslate(flags: TranslateFlags, io: CliIo): Promise<number> {
  const loaded = await loadManifestFiles(flags.filename, flags.namespace);
  for (const e of loaded.errors) io.err(`error: ${formatManifestError(e)}`);
  for (const w of loaded.warnings) io.err(`warning: ${formatManifestError(w)}`);
  const { ir, statuses, gatewayClassStatuses, gatewayStatuses } = translate(loaded.snapshot, { clusterDomain: flags.clusterDomain });
  const problems = validate(ir);
  for (const p of problems) io.err(`internal error: IR invalid at ${p.path}: ${p.code} ${p.message}`);
  const result = {
    ignored: loaded.ignored.map((i) => `${i.kind} ${i.name}: ${i.reason}`),
    ir: normalize(ir),
    statuses,
    // Only when the files hold GatewayClasses of ours, so a mesh-only output stays as it was.
    ...(gatewayClassStatuses.length > 0 ? { gatewayClassStatuses, gatewayStatuses } : {}),
  };
  if (flags.output === 'json') io.out(JSON.stringify(result, null, 2));
  else io.out(YAML.stringify(result, { lineWidth: 0 }));
  return loaded.errors.length > 0 || problems.length > 0 ? 1 : 0;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
