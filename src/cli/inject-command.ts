// `sidelane inject -f <file|-> [--config <yaml>] [-o <file>]`: the sidecar added to the manifests
// of a file, like `istioctl kube-inject`, for clusters without the webhook or to see what it would
// do. Exactly the injector's mutation; any bad object fails the run and nothing is written.
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InjectorConfigError, loadInjectorConfig, type InjectorConfig } from '../../injector/config.js';
import { injectManifests } from '../../injector/manifests.js';
import type { CliIo } from './io.js';

export interface InjectFlags {
  filename: string;
  config?: string;
  output?: string;
}

/** Reads all of standard input (for `-f -`); tests pass their own. */
export type ReadStdin = () => Promise<string>;

export function registerInjectCommand(program: Command, io: CliIo, readStdin: ReadStdin = readProcessStdin): void {
  program
    .command('inject')
    .description('add the Sidelane sidecar to the Pods and pod templates of Kubernetes YAML (like istioctl kube-inject)')
    .requiredOption('-f, --filename <path>', 'a YAML file of manifests, or - for standard input')
    .option('--config <path>', 'injector config YAML (image, control plane, proxy defaults); defaults without it')
    .option('-o, --output <path>', 'write the result to this file instead of standard output')
    .action(async (flags: InjectFlags) => {
      io.exitCode(await runInject(flags, io, readStdin));
    });
}

export async function runInject(flags: InjectFlags, io: CliIo, readStdin: ReadStdin = readProcessStdin): Promise<number> {
  let config: InjectorConfig;
  try {
    config = await loadInjectorConfig(flags.config);
  } catch (error) {
    io.err(error instanceof InjectorConfigError ? `error: ${error.message}` : `error: cannot read --config: ${message(error)}`);
    return 1;
  }
  const source = flags.filename === '-' ? '(stdin)' : flags.filename;
  let text: string;
  try {
    text = flags.filename === '-' ? await readStdin() : await readFile(flags.filename, 'utf8');
  } catch (error) {
    io.err(`error: cannot read ${source}: ${message(error)}`);
    return 1;
  }
  const result = injectManifests(text, config, source);
  for (const note of result.notes) io.err(note);
  if (result.errors.length > 0) {
    for (const e of result.errors) io.err(`error: ${e}`);
    io.err('error: nothing written: fix the objects above and run again');
    return 1;
  }
  if (flags.output === undefined) {
    io.out(result.text);
    return 0;
  }
  try {
    await writeFile(flags.output, result.text);
  } catch (error) {
    io.err(`error: cannot write ${flags.output}: ${message(error)}`);
    return 1;
  }
  return 0;
}

// src/cli is the process's edge (DESIGN.md), so reading the real stdin here is in place.
async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
