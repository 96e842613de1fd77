// `sidelane demo` (what `npm start` runs): echo backends standing in for pods, `sidelane run` on
// examples/demo, each example route checked through the proxy, and the curl commands that show
// it. Keeps running until Ctrl-C so the commands can be tried; `--once` checks and exits.
import type { Command } from 'commander';
import { startEcho, type EchoServer } from '../echo/index.js';
import { DEFAULT_CLUSTER_DOMAIN } from '../translate/index.js';
import { demoChecks } from './demo-checks.js';
import type { CliIo } from './io.js';
import { startMesh } from './run-command.js';

interface DemoFlags {
  filename: string;
  listen: string;
  admin: string;
  once: boolean;
}

/** The pods of examples/demo/demo.yaml: its EndpointSlices point at these ports. */
const DEMO_BACKENDS = [
  { name: 'reviews-v1', port: 19181 },
  { name: 'reviews-v2', port: 19182 },
  { name: 'greeter', port: 19183 },
  { name: 'greeter-v2', port: 19184 },
];

export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('run a local mesh on examples/demo with echo backends, and show each route working')
    .option('-f, --filename <dir>', 'the demo manifests', 'examples/demo')
    .option('--listen <addr>', 'outbound listener', '127.0.0.1:15001')
    .option('--admin <addr>', 'admin listener', '127.0.0.1:15000')
    .option('--once', 'check the routes, then exit (status 1 if one fails)', false)
    .action(async (flags: DemoFlags) => {
      io.exitCode(await runDemo(flags, io));
    });
}

export async function runDemo(flags: DemoFlags, io: CliIo): Promise<number> {
  const echoes: EchoServer[] = [];
  try {
    for (const b of DEMO_BACKENDS) echoes.push(await startEcho({ name: b.name, host: '127.0.0.1', port: b.port }));
  } catch (err) {
    await Promise.all(echoes.map((e) => e.close()));
    io.err(`demo: cannot start the echo backends on 127.0.0.1:19181-19184 (${String(err)}); is another demo running?`);
    return 1;
  }
  const mesh = await startMesh(
    {
      filename: [flags.filename],
      namespace: 'demo',
      listen: flags.listen,
      admin: flags.admin,
      clusterDomain: DEFAULT_CLUSTER_DOMAIN,
      accessLog: false,
      logLevel: 'warn',
      balancer: 'p2c',
    },
    io,
  );
  let failed = 0;
  try {
    const port = mesh.sidecar.address('outbound')?.port ?? 0;
    const admin = mesh.sidecar.address('admin');
    io.out(`\nSidelane local mesh: proxy on 127.0.0.1:${port} for a client in namespace demo; manifests in ${flags.filename}\n`);
    for (const check of demoChecks(port)) {
      const result = await check.run(port).catch((err: unknown) => ({ ok: false, detail: String(err) }));
      if (!result.ok) failed++;
      io.out(`${result.ok ? '✔' : '✘'} ${check.title}\n    ${result.detail}\n    $ ${check.curl}\n`);
    }
    io.out(
      `Also: curl -s http://${admin?.host ?? '127.0.0.1'}:${admin?.port ?? 0}/metrics | grep sidelane_requests_total\n` +
        `      node bin/sidelane.js explain -f ${flags.filename} --from demo 'GET http://reviews/ -H x-version:v2'\n` +
        `Edit ${flags.filename}/demo.yaml and the proxy applies it within a second.`,
    );
    if (flags.once) return failed === 0 ? 0 : 1;
    io.out('\nRunning; Ctrl-C to stop.');
    await (io.untilShutdown?.() ?? new Promise<string>(() => undefined));
    return failed === 0 ? 0 : 1;
  } finally {
    await mesh.close();
    await Promise.all(echoes.map((e) => e.close()));
  }
}
