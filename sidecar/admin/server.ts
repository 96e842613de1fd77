// The proxy's admin listener: readiness and liveness probes for the kubelet, Prometheus metrics,
// and a dump of the config in use. Plain node:http, apart from the data path's listeners so a
// busy or broken data path still answers probes and scrapes.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redact } from '../../src/ir/redact.js';
import type { ProxyMetrics } from '../observe/metrics.js';

export interface AdminServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  metrics: ProxyMetrics;
  /** True once a config has been applied and listeners are up. */
  isReady: () => boolean;
  /** False when the proxy is wedged and should be restarted; default always live. */
  isLive?: () => boolean;
  /** The config in use. Passed through `redact()` again here: a dump must never show a key. */
  configDump: () => unknown;
}

export interface AdminServer {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

const TEXT = 'text/plain; charset=utf-8';
const ROUTES = new Set(['/ready', '/live', '/metrics', '/config']);

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const server = createServer((req, res) => {
    answer(options, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else send(res, 500, TEXT, `internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    address,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        // Keep-alive scrapers would hold close() open until their sockets time out.
        server.closeAllConnections();
      }),
  };
}

async function answer(options: AdminServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
  if (!ROUTES.has(path)) {
    send(res, 404, TEXT, 'not found\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    send(res, 405, TEXT, 'method not allowed\n');
    return;
  }
  switch (path) {
    case '/ready':
      if (options.isReady()) send(res, 200, TEXT, 'ready\n');
      else send(res, 503, TEXT, 'not ready\n');
      return;
    case '/live':
      if (options.isLive?.() ?? true) send(res, 200, TEXT, 'live\n');
      else send(res, 503, TEXT, 'not live\n');
      return;
    case '/metrics':
      send(res, 200, options.metrics.contentType, await options.metrics.metrics());
      return;
    default:
      // In a pod the admin port listens on the pod IP so the kubelet can probe it and Prometheus
      // can scrape it; the config dump (every Service, route and endpoint the proxy knows) is for
      // someone inside the pod (`kubectl exec`, port-forward), not for every workload in the cluster.
      if (!isLoopback(req.socket.remoteAddress)) {
        send(res, 403, TEXT, 'the config dump is served to loopback clients only\n');
        return;
      }
      send(res, 200, 'application/json; charset=utf-8', `${JSON.stringify(redact(options.configDump()), null, 2)}\n`);
  }
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  // node:http drops the body of a HEAD response by itself.
  res.end(body);
}
