// Helpers for the gateway data plane tests: a hand-built MeshIR (echo backends as Services in
// namespace `apps`, a GatewayClass with HTTP and TLS listener ports), certificates from a test CA
// (node-forge, through injector/certs.ts), a GatewayProxy on free local ports, and HTTP/1.1 and
// HTTPS requests with a chosen Host and SNI.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { pino } from 'pino';
import { createCa, issueServingCert, type CertificateAuthority } from '../../../injector/certs.js';
import {
  IR_SCHEMA,
  type EndpointSetIR,
  type GatewayClassIR,
  type GatewayPortIR,
  type HttpFilterIR,
  type HttpListenerIR,
  type HttpRouteTable,
  type ListenerRef,
  type MeshIR,
  type ServiceIR,
  type TlsCertificateIR,
  type TlsListenerIR,
  type VirtualHostIR,
} from '../../../src/ir/index.js';
import { startEcho, type EchoServer, type HttpEchoReport } from '../../../src/echo/index.js';
import { GatewayProxy, type GatewayProxyOptions } from '../../../sidecar/gateway/gateway.js';
import { createTracing } from '../../../sidecar/observe/tracing.js';

export const CLASS = 'sidelane';

/** Everything a test opened, closed in `after` (last opened, first closed). */
export class Closer {
  readonly #closers: (() => unknown)[] = [];

  add(close: () => unknown): void {
    this.#closers.push(close);
  }

  async closeAll(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close();
  }
}

export async function echo(closer: Closer, name: string): Promise<EchoServer> {
  const server = await startEcho({ name, host: '127.0.0.1', port: 0 });
  closer.add(() => server.close());
  return server;
}

/** A port that was free a moment ago (listener ports are numbers in the IR, not 0). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return port;
}

export interface Backend {
  name: string;
  /** Service port. */
  port: number;
  /** Where its one endpoint listens on 127.0.0.1. */
  endpointPort: number;
  protocol?: 'http' | 'grpc';
}

/** A valid MeshIR: one Service per backend in namespace `apps`, and the gateway class given. */
export function meshIR(backends: readonly Backend[], gatewayClass: GatewayClassIR | undefined): MeshIR {
  const sorted = [...backends].sort((a, b) => (a.name < b.name ? -1 : 1));
  const services: ServiceIR[] = sorted.map((b, i) => ({
    ref: { namespace: 'apps', name: b.name },
    type: 'ClusterIP',
    headless: false,
    clusterIPs: [`10.96.1.${String(i + 10)}`],
    hostnames: [b.name, `${b.name}.apps`, `${b.name}.apps.svc`, `${b.name}.apps.svc.cluster.local`],
    ports: [
      { name: '', port: b.port, transport: 'TCP', targetPort: b.endpointPort, protocol: b.protocol ?? 'http', protocolSource: 'appProtocol', consumers: [] },
    ],
  }));
  const endpoints: EndpointSetIR[] = sorted.map((b) => ({
    service: { namespace: 'apps', name: b.name },
    ports: [
      {
        servicePort: b.port,
        transport: 'TCP',
        name: '',
        endpoints: [{ address: '127.0.0.1', port: b.endpointPort, ready: true, serving: true, terminating: false }],
      },
    ],
  }));
  const ir: MeshIR = { schema: IR_SCHEMA, clusterDomain: 'cluster.local', services, endpoints };
  if (gatewayClass) ir.gateways = [gatewayClass];
  return ir;
}

export function gatewayClass(ports: GatewayPortIR[]): GatewayClassIR {
  return { name: CLASS, ports: [...ports].sort((a, b) => a.port - b.port) };
}

export function listenerRef(name: string, gateway = 'edge'): ListenerRef {
  return { gateway: { namespace: 'infra', name: gateway }, name };
}

export interface RuleSpec {
  /** Path prefix; default `/`. */
  path?: string;
  backend: string;
  port: number;
  filters?: HttpFilterIR[];
}

/** An HTTPRoute table, one path-prefix rule per entry, given in precedence order (longest prefix first). */
export function routeRules(route: string, rules: RuleSpec[]): HttpRouteTable {
  const ref = { kind: 'HTTPRoute' as const, namespace: 'apps', name: route };
  return {
    kind: 'http',
    routeKind: 'HTTPRoute',
    routes: [ref],
    matches: rules.map((rule, index) => ({ rule: index, match: { path: { type: 'PathPrefix', value: rule.path ?? '/' }, headers: [], queryParams: [] } })),
    rules: rules.map((rule, index) => ({
      id: { route: ref, index },
      filters: rule.filters ?? [],
      backends: [{ kind: 'Service', service: { namespace: 'apps', name: rule.backend }, port: rule.port, weight: 1, filters: [] }],
    })),
  };
}

/** An HTTPRoute table with one rule: path prefix (default `/`) to one backend Service port. */
export function routeTo(route: string, backend: string, port: number, options: { path?: string; filters?: HttpFilterIR[] } = {}): HttpRouteTable {
  return routeRules(route, [{ backend, port, ...options }]);
}

export function vhost(hostname: string, table: HttpRouteTable): VirtualHostIR {
  return { hostname, table };
}

export function httpListener(name: string, hostname: string, hosts: VirtualHostIR[]): HttpListenerIR {
  return { listener: listenerRef(name), hostname, hosts };
}

export function httpsListener(name: string, hostname: string, certificates: TlsCertificateIR[], hosts: VirtualHostIR[]): TlsListenerIR {
  return { listener: listenerRef(name), hostname, mode: 'Terminate', certificates, http: hosts, alpn: ['h2', 'http/1.1'] };
}

export interface TestPki {
  ca: CertificateAuthority;
  /** A certificate (as a Secret in `infra` would carry it) for the DNS names given; CN is the first. */
  issue(secret: string, dnsNames: string[]): Promise<TlsCertificateIR>;
}

export async function testPki(): Promise<TestPki> {
  const ca = await createCa({ commonName: 'gateway test CA', validForMs: 24 * 3600_000, now: Date.now() });
  return {
    ca,
    issue: async (secret, dnsNames) => {
      const cert = await issueServingCert(ca, { dnsNames, ipAddresses: [], validForMs: 3600_000, now: Date.now() });
      return { name: secret, namespace: 'infra', certificatePem: cert.certPem, privateKeyPem: cert.keyPem };
    },
  };
}

export async function startGateway(closer: Closer, options: Partial<GatewayProxyOptions> = {}): Promise<GatewayProxy> {
  const proxy = new GatewayProxy({
    className: CLASS,
    host: '127.0.0.1',
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    tracing: createTracing({ env: {}, serviceName: 'sidelane-gateway-test' }),
    portDrainMs: 1000,
    ...options,
  });
  closer.add(() => proxy.close());
  await proxy.start();
  return proxy;
}

/** Applies `ir` (it must be accepted) and waits until its ports are bound. */
export async function applyAndSettle(proxy: GatewayProxy, ir: MeshIR, version: string): Promise<void> {
  const result = proxy.apply(ir, version);
  if (!result.applied) throw new Error(`config ${version} refused: ${result.reason}`);
  await proxy.settled();
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The echo's report, for 200 answers from an echo backend. */
  echo: HttpEchoReport | undefined;
}

export interface RequestOptions {
  host: string;
  path?: string;
  /** HTTPS: the SNI (default: the Host) and the CA to verify with. */
  tls?: { ca: string; servername?: string };
  agent?: http.Agent | https.Agent;
}

/** One HTTP/1.1 (or HTTPS) request to 127.0.0.1:port with the given Host, bounded to 5 s. */
export function request(port: number, options: RequestOptions): Promise<Answer> {
  const common = {
    host: '127.0.0.1',
    port,
    path: options.path ?? '/',
    headers: { host: options.host },
    agent: options.agent ?? false,
    timeout: 5000,
  };
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const json = (res.headers['content-type'] ?? '').includes('json') ? (JSON.parse(text) as HttpEchoReport) : undefined;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, echo: json });
      });
      res.on('error', reject);
    };
    const req = options.tls
      ? https.request({ ...common, ca: options.tls.ca, servername: options.tls.servername ?? options.host.replace(/:\d+$/, '') }, onResponse)
      : http.request(common, onResponse);
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** The port a listener port is bound on (after apply and settled()). */
export function boundPort(proxy: GatewayProxy, listenerPort: number): number {
  const bound = proxy.boundPorts().get(listenerPort);
  if (!bound) throw new Error(`listener port ${String(listenerPort)} is not bound`);
  return bound.port;
}
