// The controller's HTTP endpoint for the kubelet and Prometheus: /livez (the process answers),
// /readyz (caches synced and the config server listening), /metrics (every registry of the
// process). Apart from the gRPC config server so a busy stream never delays a probe.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';

export interface HealthServerOptions {
  host: string | undefined;
  port: number;
  registries: Registry[];
  /** Undefined when ready; else why not (shown in the /readyz body). */
  notReady: () => string | undefined;
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const merged = Registry.merge(options.registries);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, 'method not allowed\n');
    } else if (path === '/livez') {
      send(200, 'ok\n');
    } else if (path === '/readyz') {
      const why = options.notReady();
      if (why === undefined) send(200, 'ok\n');
      else send(503, `not ready: ${why}\n`);
    } else if (path === '/metrics') {
      merged.metrics().then((text) => { send(200, text, merged.contentType); }, (err: unknown) => { send(500, `${String(err)}\n`); });
    } else {
      send(404, 'not found: try /livez, /readyz or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => {
      server.close(() => { resolve(); });
      server.closeAllConnections();
    }),
  };
}
