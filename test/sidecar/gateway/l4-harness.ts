// Helpers for the gateway L4 tests: a hand-built MeshIR of Services with endpoints on 127.0.0.1,
// the deps the gateway's L4 paths take, IR rule pieces, UDP echo backends and clients, and
// self-signed certificates made with node-forge.
import { generateKeyPairSync } from 'node:crypto';
import dgram from 'node:dgram';
import type net from 'node:net';
import forge from 'node-forge';
import { pino } from 'pino';
import {
  IR_SCHEMA,
  type EndpointSetIR,
  type L4BackendIR,
  type ListenerRef,
  type MeshIR,
  type RouteKind,
  type RuleRef,
  type ServiceIR,
} from '../../../src/ir/index.js';
import { MeshView } from '../../../sidecar/config/mesh-view.js';
import { Clusters } from '../../../sidecar/endpoint/clusters.js';
import type { GatewayL4Deps } from '../../../sidecar/gateway/l4-forward.js';
import { ProxyMetrics } from '../../../sidecar/observe/metrics.js';

export interface BackendService {
  name: string;
  port: number;
  transport: 'TCP' | 'UDP';
  /** Ports on 127.0.0.1 the Service port's endpoints listen on. */
  endpointPorts: number[];
}

/** A MeshIR with one Service per entry in namespace `apps`, each with its endpoints. */
export function meshOf(backends: readonly BackendService[]): MeshIR {
  const sorted = [...backends].sort((a, b) => a.name.localeCompare(b.name));
  const services: ServiceIR[] = sorted.map((b, i) => ({
    ref: { namespace: 'apps', name: b.name },
    type: 'ClusterIP',
    headless: false,
    clusterIPs: [`10.96.0.${String(i + 10)}`],
    hostnames: [b.name, `${b.name}.apps`, `${b.name}.apps.svc`, `${b.name}.apps.svc.cluster.local`],
    ports: [
      {
        name: '',
        port: b.port,
        transport: b.transport,
        targetPort: b.port,
        protocol: b.transport === 'UDP' ? 'udp' : 'tcp',
        protocolSource: 'default',
        consumers: [],
      },
    ],
  }));
  const endpoints: EndpointSetIR[] = sorted.map((b) => ({
    service: { namespace: 'apps', name: b.name },
    ports: [
      {
        servicePort: b.port,
        transport: b.transport,
        name: '',
        endpoints: b.endpointPorts.map((port) => ({ address: '127.0.0.1', port, ready: true, serving: true, terminating: false })),
      },
    ],
  }));
  return { schema: IR_SCHEMA, clusterDomain: 'cluster.local', services, endpoints };
}

export interface TestDeps extends GatewayL4Deps {
  metrics: ProxyMetrics;
}

/** The gateway's L4 deps over `ir`; `random` drives the weighted backend choice. */
export function depsFor(ir: MeshIR, random: () => number = Math.random): TestDeps {
  const clusters = new Clusters({ algorithm: 'round-robin', random: Math.random });
  clusters.apply(new MeshView(ir, 'v1', 'gateway-system'));
  return {
    clusters,
    metrics: new ProxyMetrics({ defaultMetrics: false }),
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    random,
    connectTimeoutMs: 2000,
  };
}

/** Values in [0, 1) from a fixed list, round and round: a deterministic weighted choice. */
export function cycle(values: readonly number[]): () => number {
  let next = 0;
  return () => values[next++ % values.length] ?? 0;
}

export function ruleOf(kind: RouteKind, name: string): RuleRef {
  return { route: { kind, namespace: 'apps', name }, index: 0 };
}

export function backend(name: string, port: number, weight = 1): L4BackendIR {
  return { kind: 'Service', service: { namespace: 'apps', name }, port, weight };
}

export function listenerRef(name: string): ListenerRef {
  return { gateway: { namespace: 'infra', name: 'edge' }, name };
}

/** The value of one series of a metric in `metrics`' text exposition, or undefined. */
export async function metricValue(metrics: ProxyMetrics, series: string): Promise<number | undefined> {
  const text = await metrics.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Everything a test opened, closed in `after`. */
export class Closer {
  readonly #closers: (() => Promise<void> | void)[] = [];

  add(close: () => Promise<void> | void): void {
    this.#closers.push(close);
  }

  async closeAll(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close();
  }
}

/** Listens on 127.0.0.1 port 0 and registers the server's close with `closer`. */
export async function listenOn(closer: Closer, server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closer.add(() => new Promise<void>((resolve) => server.close(() => { resolve(); })));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not a TCP server');
  return address.port;
}

export interface UdpEcho {
  port: number;
  /** Source ports the backend has seen, in order of first datagram. */
  sources: number[];
  /** Every datagram received, as received. */
  received: Buffer[];
}

/** A UDP backend answering each datagram with `<tag>:<datagram>` to its sender. */
export async function udpEcho(closer: Closer, tag: string): Promise<UdpEcho> {
  const socket = dgram.createSocket('udp4');
  const echo: UdpEcho = { port: 0, sources: [], received: [] };
  socket.on('message', (datagram, from) => {
    echo.received.push(datagram);
    if (!echo.sources.includes(from.port)) echo.sources.push(from.port);
    socket.send(Buffer.concat([Buffer.from(`${tag}:`), datagram]), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  closer.add(() => new Promise<void>((resolve) => socket.close(() => { resolve(); })));
  echo.port = socket.address().port;
  return echo;
}

/** A UDP client on its own port: `ask` sends one datagram and waits for the next reply. */
export async function udpClient(
  closer: Closer,
  target: number,
): Promise<{ port: number; ask: (text: string | Buffer) => Promise<Buffer>; send: (text: string | Buffer) => void }> {
  const socket = dgram.createSocket('udp4');
  const replies: Buffer[] = [];
  let waiting: ((reply: Buffer) => void) | undefined;
  socket.on('message', (reply) => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(reply);
    } else {
      replies.push(reply);
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  closer.add(() => new Promise<void>((resolve) => socket.close(() => { resolve(); })));
  const ask = (text: string | Buffer): Promise<Buffer> => {
    const queued = replies.shift();
    if (queued) return Promise.resolve(queued);
    const reply = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting = undefined;
        reject(new Error(`no reply to ${String(text).slice(0, 40)} within 2 s`));
      }, 2000);
      waiting = (datagram) => {
        clearTimeout(timer);
        resolve(datagram);
      };
    });
    socket.send(text, target, '127.0.0.1');
    return reply;
  };
  const send = (text: string | Buffer): void => {
    socket.send(text, target, '127.0.0.1');
  };
  return { port: socket.address().port, ask, send };
}

/** Resolves once `condition` holds (checked every 10 ms); rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A self-signed certificate for `commonName` (also its only DNS SAN). */
export function selfSigned(commonName: string): { cert: string; key: string } {
  // Node's key generation is native (forge's is JavaScript, seconds per key); forge makes the certificate.
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = {
    privateKey: forge.pki.privateKeyFromPem(pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
    publicKey: forge.pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: commonName }] },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}
