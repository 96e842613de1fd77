// Connections that are not parsed as HTTP: TCPRoute and TLSRoute tables (weighted backends, SNI
// choice), Service ports without routes (balanced over the endpoints), and pass-through of
// destinations that are no Service. The bytes are moved by protocol/tcp.ts.
import type net from 'node:net';
import type { L4BackendIR } from '../../src/ir/index.js';
import type { Destination } from '../config/mesh-view.js';
import type { Clusters } from '../endpoint/clusters.js';
import type { Direction } from '../listen/connection.js';
import type { ProxyMetrics } from '../observe/metrics.js';
import { proxyTcp } from '../protocol/tcp.js';
import { readClientHello } from '../protocol/tls-client-hello.js';
import { chooseSni } from '../route/sni.js';
import { chooseWeighted } from './weighted.js';
import type { Logger } from 'pino';

export interface L4Deps {
  clusters: Clusters;
  metrics: ProxyMetrics;
  log: Logger;
  random: () => number;
  connectTimeoutMs: number;
}

/** Sends a connection for a Service port to an endpoint per its TCP/TLS table (or none). */
export async function routeL4(socket: net.Socket, head: Buffer, destination: Destination, direction: Direction, deps: L4Deps): Promise<void> {
  let backends: readonly L4BackendIR[];
  let bytes = head;
  const table = destination.table;
  if (table?.kind === 'tls') {
    const read = await readClientHello(socket, head, 5000);
    bytes = read.head;
    const sni = read.hello.complete && 'sni' in read.hello ? (read.hello.sni ?? '') : '';
    const choice = chooseSni(table, sni);
    if (!choice) {
      deps.log.debug({ destination: destination.label, sni }, 'no TLSRoute rule for this SNI; connection closed');
      socket.destroy();
      return;
    }
    backends = choice.rule.backends;
  } else if (table?.kind === 'tcp') {
    backends = (table).rule.backends;
  } else {
    backends = [{ kind: 'Service', service: destination.service.ref, port: destination.port.port, weight: 1 }];
  }
  const backend = chooseWeighted(backends, deps.random);
  if (!backend || backend.kind === 'Invalid') {
    // TCP has no status code: the spec's "reject the connection" for an invalid backend.
    deps.log.debug({ destination: destination.label }, 'invalid or no backend for the connection; closed');
    socket.resetAndDestroy();
    return;
  }
  const lease = deps.clusters.pick(backend.service, backend.port);
  if (!lease) {
    socket.resetAndDestroy();
    return;
  }
  const label = `${backend.service.namespace}/${backend.service.name}:${backend.port}`;
  pipeTo(socket, bytes, { host: lease.endpoint.address, port: lease.endpoint.port }, label, direction, deps, () => { lease.release(); });
}

export function passThroughTcp(socket: net.Socket, head: Buffer, target: { address: string; port: number }, direction: Direction, deps: L4Deps): void {
  pipeTo(socket, head, { host: target.address, port: target.port }, 'passthrough', direction, deps, () => undefined);
}

function pipeTo(
  socket: net.Socket,
  head: Buffer,
  target: { host: string; port: number },
  label: string,
  direction: Direction,
  deps: L4Deps,
  release: () => void,
): void {
  deps.metrics.tcpOpened(direction, label);
  proxyTcp(socket, target, {
    head,
    connectTimeoutMs: deps.connectTimeoutMs,
    onClose: (stats) => {
      release();
      deps.metrics.tcpClosed(direction, label, stats.bytesSent, stats.bytesReceived);
    },
  });
}
