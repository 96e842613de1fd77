// A mesh shaped like the Gateway API mesh conformance suite (conformance/tests/mesh): echo
// backends `echo-v1`, `echo-v2`, … each behind its own Service, a Service `echo` over all of them
// that routes attach to, and the routes of the test. Each echo keeps the log of what reached it.
import http from 'node:http';
import type { RunFlags } from '../../src/cli/run-command.js';
import { startEcho, type EchoServer, type RequestLog } from '../../src/echo/index.js';
import { request, serviceYaml, startTestMesh, type SimpleResponse, type TestMesh } from './mesh.js';

export interface LoggedEcho {
  server: EchoServer;
  /** One line per request that reached this echo, in order. */
  log: RequestLog[];
}

export interface SpecMesh {
  mesh: TestMesh;
  echoes: Record<string, LoggedEcho>;
  /** One HTTP/1.1 request to `host` (default `echo`) through the proxy. */
  get(path: string, options?: SpecRequest): Promise<SimpleResponse>;
  /** Sends `count` requests, `concurrency` at a time, and counts answers by echo name ('' when not an echo's). */
  tally(count: number, path: string, options?: SpecRequest & { concurrency?: number }): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export interface SpecRequest {
  host?: string;
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export interface SpecMeshOptions {
  /** Echo names; each gets a Service of the same name (port 80). */
  echoes: readonly string[];
  /** Routes and any extra objects, as YAML documents (a function when they need the echoes' addresses). */
  manifests: string | ((echoAddress: (name: string) => { host: string; port: number }) => string);
  /** Namespace of the echo Services and of `echo` (default `default`). */
  namespace?: string;
  /** `echo`'s endpoints: these echoes (default all). */
  frontEchoes?: readonly string[];
  flags?: Partial<RunFlags>;
}

export async function startSpecMesh(options: SpecMeshOptions): Promise<SpecMesh> {
  const echoes: Record<string, LoggedEcho> = {};
  try {
    for (const name of options.echoes) {
      const log: RequestLog[] = [];
      const server = await startEcho({ name, host: '127.0.0.1', port: 0, log: (line) => log.push(line) });
      echoes[name] = { server, log };
    }
    const mesh = await startTestMesh(meshYaml(echoes, options), options.flags);
    const spec: SpecMesh = {
      mesh,
      echoes,
      get: (path, o = {}) => send(mesh.port, path, o),
      async tally(count, path, o = {}) {
        const seen = new Map<string, number>();
        const concurrency = o.concurrency ?? 10;
        // Kept-alive connections: the count is what matters, not one connection per request.
        const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < count) {
            next++;
            const res = await send(mesh.port, path, o, agent);
            const name = res.json?.name ?? '';
            seen.set(name, (seen.get(name) ?? 0) + 1);
          }
        };
        try {
          await Promise.all(Array.from({ length: concurrency }, worker));
        } finally {
          agent.destroy();
        }
        return seen;
      },
      async close() {
        await mesh.close();
        await closeEchoes(echoes);
      },
    };
    return spec;
  } catch (err) {
    await closeEchoes(echoes);
    throw err;
  }
}

/** The Services of a spec mesh plus its manifests, for `mesh.update()` with changed routes. */
export function specManifests(spec: SpecMesh, options: Omit<SpecMeshOptions, 'echoes' | 'flags'>): string {
  return meshYaml(spec.echoes, options);
}

function meshYaml(echoes: Record<string, LoggedEcho>, options: Omit<SpecMeshOptions, 'echoes' | 'flags'>): string {
  const namespace = options.namespace ?? 'default';
  const backend = (name: string): { host: string; port: number } => {
    const echo = echoes[name];
    if (!echo) throw new Error(`no echo named ${name}`);
    return { host: echo.server.address.host, port: echo.server.address.port };
  };
  const names = Object.keys(echoes);
  const docs = [
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${namespace}}`,
    serviceYaml({ name: 'echo', namespace, backends: (options.frontEchoes ?? names).map(backend) }),
    ...names.map((name) => serviceYaml({ name, namespace, backends: [backend(name)] })),
    typeof options.manifests === 'string' ? options.manifests : options.manifests(backend),
  ];
  return docs.join('\n---\n');
}

/** One HTTP/1.1 request with the Host of our choosing; a new connection unless `agent` keeps one. */
export function send(port: number, path: string, o: SpecRequest, agent: http.Agent | false = false): Promise<SimpleResponse> {
  return request(port, o.host ?? 'echo', path, { ...(o.method === undefined ? {} : { method: o.method }), headers: o.headers ?? {}, body: o.body, agent });
}

async function closeEchoes(echoes: Record<string, LoggedEcho>): Promise<void> {
  await Promise.all(Object.values(echoes).map((e) => e.server.close()));
}

/** Every value the echo received for a header (lower-case name), or [] when absent. */
export function receivedHeader(res: SimpleResponse, name: string): string[] {
  return res.json?.headers[name] ?? [];
}
