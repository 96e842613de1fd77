// Test harness for on-demand config: the real ConfigServer (fed the translator's IR of manifests
// written to a temp dir) on 127.0.0.1, and a Sidecar fed by a ConfigClient, with a settable
// original destination (the test plays iptables). The server can be stopped and started again on
// the same port to play a control-plane outage.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigServer } from '../../../src/configsync/server.js';
import { loadConfig } from '../../../src/controller/file-watch-load.js';
import type { MeshIR } from '../../../src/ir/index.js';
import { ConfigClient, type ConfigClientOptions } from '../../../sidecar/configsync/client.js';
import type { OriginalDestination } from '../../../sidecar/listen/orig-dst.js';
import { createLogger } from '../../../sidecar/observe/log.js';
import { createTracing } from '../../../sidecar/observe/tracing.js';
import { Sidecar } from '../../../sidecar/proxy.js';

const log = createLogger({ level: (process.env.SIDELANE_TEST_LOG as 'debug' | undefined) ?? 'silent' });

export interface OnDemandMesh {
  server: ConfigServer;
  client: ConfigClient;
  sidecar: Sidecar;
  /** Outbound listener port on 127.0.0.1. */
  port: number;
  /** The config server's port (kept across restarts). */
  serverPort: number;
  setOrigDst(origDst: OriginalDestination | undefined): void;
  /** Translates the manifests and publishes the IR; resolves with its version. */
  publish(manifests: string): Promise<string>;
  /** Services (`ns/name`) in the IR the sidecar runs, from its admin /config. */
  viewServices(): Promise<string[]>;
  /** Closes the config server (streams end; the proxy keeps its config). */
  stopServer(): Promise<void>;
  /** A new config server on the same port, publishing the last published IR. */
  startServer(): Promise<void>;
  close(): Promise<void>;
}

export type HarnessClientOptions = Partial<Pick<ConfigClientOptions, 'waitMs' | 'idleMs' | 'backoff'>>;

export async function translateManifests(manifests: string): Promise<{ ir: MeshIR; version: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-configsync-'));
  try {
    await writeFile(join(dir, 'mesh.yaml'), manifests);
    const loaded = await loadConfig({ paths: [dir], defaultNamespace: 'default', clusterDomain: 'cluster.local' });
    if (!loaded.ok) throw new Error(`manifests did not translate: ${JSON.stringify(loaded.errors.length > 0 ? loaded.errors : loaded.irProblems)}`);
    return { ir: loaded.update.ir, version: loaded.update.version };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function startOnDemandMesh(manifests: string, options: HarnessClientOptions = {}): Promise<OnDemandMesh> {
  let server = new ConfigServer({ log, closeGraceMs: 200 });
  const { port: serverPort } = await server.listen('127.0.0.1:0');
  let published = await translateManifests(manifests);
  server.publish(published);
  let origDst: OriginalDestination | undefined;
  const client: ConfigClient = new ConfigClient({
    targets: [`127.0.0.1:${serverPort}`],
    identity: { pod: 'client-0', namespace: 'default', serviceAccount: 'default', node: 'test', podIps: [], kind: 'sidecar' },
    apply: (ir, version) => sidecar.apply(ir, version),
    log,
    backoff: { baseMs: 20, maxMs: 200 },
    ...options,
  });
  const sidecar: Sidecar = new Sidecar({
    namespace: 'default',
    outbound: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    origDst: () => origDst,
    log,
    tracing: createTracing({ env: {}, serviceName: 'sidelane-test' }),
    connectTimeoutMs: 2000,
    sniffTimeoutMs: 50,
    discovery: client,
  });
  await sidecar.start();
  client.start();
  if (!(await client.whenApplied(5000))) throw new Error('the sidecar got no config from the config server');
  const adminPort = sidecar.address('admin')?.port ?? 0;
  return {
    get server() {
      return server;
    },
    client,
    sidecar,
    port: sidecar.address('outbound')?.port ?? 0,
    serverPort,
    setOrigDst(next) {
      origDst = next;
    },
    async publish(next) {
      published = await translateManifests(next);
      server.publish(published);
      return published.version;
    },
    async viewServices() {
      const dump = JSON.parse(await getText(adminPort, '/config')) as { ir: MeshIR | null };
      return (dump.ir?.services ?? []).map((s) => `${s.ref.namespace}/${s.ref.name}`);
    },
    stopServer: () => server.close(),
    async startServer() {
      server = new ConfigServer({ log, closeGraceMs: 200 });
      await server.listen(`127.0.0.1:${serverPort}`);
      server.publish(published);
    },
    async close() {
      await client.close();
      await sidecar.close();
      await server.close();
    },
  };
}

/** Polls `check` every 10 ms until it is true; throws after `timeoutMs` saying `what`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function getText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => { resolve(Buffer.concat(chunks).toString('utf8')); });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
