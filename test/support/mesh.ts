// Test harness for the data path: echo backends on real sockets, manifests written to a temp dir,
// and `sidelane run`'s startMesh (file-mode control plane + outbound proxy) on port 0.
import { mkdtemp, rm, writeFile, rename } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEcho, type EchoServer } from '../../src/echo/index.js';
import { startMesh, type RunFlags, type RunningMesh } from '../../src/cli/run-command.js';

export interface TestMesh {
  mesh: RunningMesh;
  /** Outbound listener port on 127.0.0.1. */
  port: number;
  adminPort: number;
  dir: string;
  /** Replaces the manifests and waits until the proxy applied a new version. */
  update(manifests: string): Promise<void>;
  close(): Promise<void>;
}

export async function startTestMesh(manifests: string, flags: Partial<RunFlags> = {}): Promise<TestMesh> {
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-mesh-'));
  const file = join(dir, 'mesh.yaml');
  await writeFile(file, manifests);
  const stderr: string[] = [];
  const mesh = await startMesh(
    {
      filename: [dir],
      namespace: 'default',
      listen: '127.0.0.1:0',
      admin: '127.0.0.1:0',
      clusterDomain: 'cluster.local',
      accessLog: false,
      logLevel: (process.env.SIDELANE_TEST_LOG as 'debug' | undefined) ?? 'silent',
      balancer: 'p2c',
      ...flags,
    },
    { out: () => undefined, err: (t) => stderr.push(t), exitCode: () => undefined, env: {} },
  );
  if (!mesh.sidecar.ready) throw new Error(`test mesh did not apply its manifests: ${stderr.join('\n')}`);
  return {
    mesh,
    port: mesh.sidecar.address('outbound')?.port ?? 0,
    adminPort: mesh.sidecar.address('admin')?.port ?? 0,
    dir,
    async update(next: string) {
      const before = mesh.watcher.current()?.version;
      const tmp = join(dir, '.next.tmp');
      await writeFile(tmp, next);
      await rename(tmp, file);
      await mesh.watcher.reload();
      if (mesh.watcher.current()?.version === before) throw new Error('the updated manifests did not load as a new config');
      // The proxy gets only what changed for it (its version may not move): wait until it has
      // answered every delta the config server sent it.
      if (!(await mesh.settled(5000))) throw new Error('the proxy did not apply the updated manifests');
    },
    async close() {
      await mesh.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Echo backends named as given, each on its own 127.0.0.1 port. */
export async function startEchoes(...names: string[]): Promise<EchoServer[]> {
  return Promise.all(names.map((name) => startEcho({ name, host: '127.0.0.1', port: 0 })));
}

export interface ServiceSpec {
  name: string;
  namespace?: string;
  clusterIP?: string;
  /** Service port (default 80), its name (default http) and appProtocol. */
  port?: number;
  portName?: string;
  appProtocol?: string;
  /** Endpoints: one EndpointSlice each, since each echo has its own port. */
  backends: readonly { host: string; port: number; ready?: boolean }[];
}

/** A Service and its EndpointSlices as YAML. */
export function serviceYaml(s: ServiceSpec): string {
  const ns = s.namespace ?? 'default';
  const portName = s.portName ?? 'http';
  const docs = [
    `apiVersion: v1
kind: Service
metadata: {name: ${s.name}, namespace: ${ns}}
spec:
  ${s.clusterIP ? `clusterIP: ${s.clusterIP}` : ''}
  ports: [{name: ${portName}, port: ${s.port ?? 80}, targetPort: 8080${s.appProtocol ? `, appProtocol: ${s.appProtocol}` : ''}}]`,
    ...s.backends.map(
      (b, i) => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${s.name}-${i}, namespace: ${ns}, labels: {kubernetes.io/service-name: ${s.name}}}
addressType: IPv4
ports: [{name: ${portName}, port: ${b.port}, protocol: TCP}]
endpoints: [{addresses: ["${b.host}"], conditions: {ready: ${b.ready ?? true}}}]`,
    ),
  ];
  return docs.join('\n---\n');
}

export function echoBackends(...echoes: EchoServer[]): { host: string; port: number }[] {
  return echoes.map((e) => ({ host: e.address.host, port: e.address.port }));
}

export interface SimpleResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The echo's JSON answer, when the body is one. */
  json: EchoReply | undefined;
}

/** What `sidelane echo` answers (the parts tests look at). */
export interface EchoReply {
  name: string;
  method: string;
  path: string;
  host: string;
  headers: Record<string, string[]>;
  body: { bytes: number; sha256: string };
}

/** One HTTP/1.1 request through the proxy with the given Host (node:http, so Host is ours to set). */
export function request(
  port: number,
  host: string,
  path: string,
  options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string | Buffer | undefined; agent?: http.Agent | false } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host, ...options.headers }, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: EchoReply | undefined;
          try {
            json = (res.headers['content-type'] ?? '').includes('json') ? (JSON.parse(body) as EchoReply) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
