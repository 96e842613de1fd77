// `sidelane explain -f <file|dir> [-f …] --from <ns> 'GET http://reviews.bookinfo:9080/api -H version:v2'`:
// loads and translates manifests like `sidelane translate`, then prints what the mesh would do
// with that request. Exit codes: 0 explained, 1 manifests had errors, 2 the request is unreadable.
import type { Command } from 'commander';
import YAML from 'yaml';
import { formatManifestError } from '../api/objects.js';
import { loadManifestFiles } from '../controller/filesource.js';
import { translate, DEFAULT_CLUSTER_DOMAIN } from '../translate/index.js';
import { explainRequest, formatExplain } from './explain.js';
import { parseRequest, RequestSyntaxError, shellSplit, type ParsedRequest } from './explain-request.js';
import type { CliIo } from './io.js';

export interface ExplainFlags {
  filename: string[];
  from: string;
  namespace: string;
  clusterDomain: string;
  output: string;
  header: string[];
  request?: string;
}

const OUTPUTS = ['text', 'yaml', 'json'];

export function registerExplainCommand(program: Command, io: CliIo): void {
  program
    .command('explain')
    .description('show what the mesh does with one request: Service, route table, matching rule, filters, backends, endpoints')
    .argument('<request...>', 'the request, curl-style: [METHOD] URL [-H name:value]…, e.g. "GET http://reviews.bookinfo:9080/api -H version:v2"')
    .requiredOption('-f, --filename <path>', 'a file or directory of manifests (repeatable)', collect, [])
    .option('--from <namespace>', 'namespace of the client sending the request (picks its consumer routes)', 'default')
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('--cluster-domain <domain>', 'cluster DNS suffix', DEFAULT_CLUSTER_DOMAIN)
    .option('-o, --output <format>', 'text, yaml or json', 'text')
    .option('-H, --header <name:value>', 'a request header (repeatable; also accepted inside the request string)', collect, [])
    .option('-X, --request <method>', 'the request method (default GET)')
    .addHelpText(
      'after',
      `
Examples:
  sidelane explain -f manifests/ --from frontend 'GET http://reviews.bookinfo:9080/api -H version:v2'
  sidelane explain -f routes.yaml reviews:9080/reviews/1 -H 'end-user: jason'
  sidelane explain -f grpc.yaml -o yaml POST http://greeter:50051/helloworld.Greeter/SayHello`,
    )
    .action(async (words: string[], flags: ExplainFlags) => {
      io.exitCode(await runExplain(words, flags, io));
    });
}

export async function runExplain(words: readonly string[], flags: ExplainFlags, io: CliIo): Promise<number> {
  if (!OUTPUTS.includes(flags.output)) {
    io.err(`error: --output must be one of ${OUTPUTS.join(', ')}, not ${JSON.stringify(flags.output)}`);
    return 2;
  }
  let request: ParsedRequest;
  try {
    request = parseRequest(requestWords(words, flags));
  } catch (err) {
    if (err instanceof RequestSyntaxError) {
      io.err(`error: cannot read the request: ${err.message}`);
      return 2;
    }
    throw err;
  }

  const loaded = await loadManifestFiles(flags.filename, flags.namespace);
  for (const e of loaded.errors) io.err(`error: ${formatManifestError(e)}`);
  for (const w of loaded.warnings) io.err(`warning: ${formatManifestError(w)}`);
  const { ir } = translate(loaded.snapshot, { clusterDomain: flags.clusterDomain });
  const result = explainRequest(ir, request, flags.from);

  if (flags.output === 'json') io.out(JSON.stringify(result, null, 2));
  else if (flags.output === 'yaml') io.out(YAML.stringify(result, { lineWidth: 0 }));
  else io.out(formatExplain(result));
  // An explanation over manifests that did not all load may be wrong: say so in the exit code.
  return loaded.errors.length > 0 ? 1 : 0;
}

/**
 * The request's words: a lone argument is the quoted form (`'GET http://a/ -H x:1'`) and is split
 * here; several arguments were split by the shell already. -H/-X given to the command, outside
 * the request string, are appended.
 */
function requestWords(words: readonly string[], flags: ExplainFlags): string[] {
  const [only] = words;
  const base = words.length === 1 && only !== undefined ? shellSplit(only) : [...words];
  for (const h of flags.header) base.push('-H', h);
  if (flags.request !== undefined) base.push('-X', flags.request);
  return base;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
