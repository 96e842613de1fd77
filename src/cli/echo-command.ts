// `sidelane echo --name <pod> --listen <addr>`: the test backend. Answers every request with what
// it received (HTTP/1.1, h2c, gRPC and WebSocket on one port) for users' experiments and our
// tests, logging one JSON line per request to stdout.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { parseListenAddress, startEcho, type ListenAddress } from '../echo/index.js';
import type { CliIo } from './io.js';

interface EchoFlags {
  name: string;
  listen: string;
  quiet?: boolean;
}

const CONTROLS_HELP = `
Every answer is JSON: name, protocol, method, path, host, headers (all, repeats kept), body
{bytes, sha256}, remote. gRPC calls on any /<service>/<method> get one reply message per request
message; Upgrade: websocket echoes every message.

Request headers that change the answer (gRPC: metadata):
  x-echo-status: 503              response status
  x-echo-delay-ms: 200            wait before answering
  x-echo-set-header: name: value  add a response header (repeatable)
  x-echo-trailer: name: value     add a trailer (repeatable)
  x-echo-fail: reset|close        reset the connection (HTTP/2: the stream) or close it unanswered
  x-echo-body-bytes: 10485760     answer with that many bytes of filler instead of JSON
  x-echo-chunked: true            no Content-Length (chunked on HTTP/1.1)
  x-echo-grpc-status: 5           gRPC Trailers-Only answer with this status
  x-echo-grpc-message: text       its grpc-message
`;

export function registerEchoCommand(program: Command, io: CliIo): void {
  program
    .command('echo')
    .description('run a test backend that answers every request with what it received')
    .option('--name <name>', 'name in every answer and in the x-echo-name header', hostname())
    .option('--listen <address>', 'host:port, :port, [ipv6]:port or port', ':8080')
    .option('--quiet', 'do not log a JSON line per request')
    .addHelpText('after', CONTROLS_HELP)
    .action(async (flags: EchoFlags) => {
      // SIGTERM must close the server: as PID 1 in a container nothing else would stop it.
      const stop = new AbortController();
      void io.untilShutdown?.().then(() => {
        stop.abort();
      });
      io.exitCode(await runEcho(flags, io, stop.signal));
    });
}

/**
 * Serves until `stop` aborts (without one, until the process ends), then closes every connection.
 * Exit codes: 0 after a clean stop, 1 when the port cannot be bound, 2 for a bad --listen.
 */
export async function runEcho(flags: EchoFlags, io: CliIo, stop?: AbortSignal): Promise<number> {
  let address: ListenAddress;
  try {
    address = parseListenAddress(flags.listen);
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const server = await startEcho({
    name: flags.name,
    ...(address.host === undefined ? {} : { host: address.host }),
    port: address.port,
    ...(flags.quiet === true ? {} : { log: (line: object) => { io.out(JSON.stringify(line)); } }),
  }).catch((error: unknown) => {
    io.err(`error: cannot listen on ${flags.listen}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  if (server === undefined) return 1;
  io.out(`echo ${flags.name} listening on ${server.url}`);
  // The listening server keeps the process alive; without `stop` this promise stays pending.
  await new Promise<void>((resolve) => {
    if (stop?.aborted === true) resolve();
    stop?.addEventListener('abort', () => {
      resolve();
    }, { once: true });
  });
  await server.close();
  return 0;
}
