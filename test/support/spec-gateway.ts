// A gateway shaped like the Gateway API conformance suite's GATEWAY profile: echo backends, each
// behind its own Service (port 8080), the test's Gateways and routes translated by the real
// translator and served by a GatewayProxy on 127.0.0.1, every listener port shifted by one offset
// chosen so they all land on free ports. Tests speak of listener ports as the Gateway declares them.
import http from 'node:http';
import https from 'node:https';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import net from 'node:net';
import forge from 'node-forge';
import { classify, formatManifestError, parseManifests } from '../../src/api/objects.js';
import { startEcho, type RequestLog } from '../../src/echo/index.js';
import {
  GATEWAY_CONTROLLER_NAME,
  type ConditionIR,
  type GatewayStatusIR,
  type RouteParentStatusIR,
  type RouteStatusIR,
} from '../../src/ir/index.js';
import { translate, type TranslationResult } from '../../src/translate/index.js';
import { GatewayProxy } from '../../sidecar/gateway/gateway.js';
import { createLogger } from '../../sidecar/observe/log.js';
import { createTracing } from '../../sidecar/observe/tracing.js';
import { serviceYaml, type EchoReply, type SimpleResponse } from './mesh.js';
import type { LoggedEcho } from './spec-mesh.js';

export { receivedHeader } from './spec-mesh.js';

/** The GatewayClass the harness declares (controllerName sidelane.io/gateway-controller). */
export const SPEC_CLASS = 'sidelane';
/** Port of every echo's Service, as the conformance backends' (infra-backend-v1:8080). */
export const ECHO_PORT = 8080;

type EchoAddress = (echo: string) => { host: string; port: number };
export type GatewayManifests = string | ((echoAddress: EchoAddress) => string);

export interface SpecGatewayOptions {
  /** `name` or `namespace/name`: an echo answering as `name`, behind Service `name` (port 8080). */
  echoes: readonly string[];
  /** Gateways, routes, grants, Secrets, extra Services (namespaces without an object are synthesized). */
  manifests: GatewayManifests;
  /** The class the proxy serves; the harness declares it as ours. Default SPEC_CLASS. */
  className?: string;
  /** Namespace of objects and echoes that name none (default `default`). */
  namespace?: string;
}

export interface GatewayRequest {
  /** Listener port as the Gateway declares it (default 80). */
  port?: number;
  /** Host header (default `example.com`); its name (without port) is also the SNI over TLS. */
  host?: string;
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Speak TLS, trusting `ca`; `servername` overrides the SNI ('' sends none). */
  https?: { ca: string; servername?: string };
  agent?: http.Agent | false;
}

export type RouteKindName = 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute' | 'UDPRoute';

export interface SpecGateway {
  proxy: GatewayProxy;
  echoes: Record<string, LoggedEcho>;
  /** The latest translation: IR, route, Gateway and GatewayClass status. */
  readonly translation: TranslationResult;
  /** Where a listener port is bound on 127.0.0.1. */
  boundPort(listenerPort: number): number;
  get(path: string, options?: GatewayRequest): Promise<SimpleResponse>;
  /** Sends `count` requests, `concurrency` at a time; counts answers by echo name ('' when not an echo's). */
  tally(count: number, path: string, options?: GatewayRequest & { concurrency?: number }): Promise<Map<string, number>>;
  statusOf(kind: 'Gateway', namespace: string, name: string): GatewayStatusIR | undefined;
  statusOf(kind: RouteKindName, namespace: string, name: string): RouteStatusIR | undefined;
  /** Replaces the test's manifests (echoes and class stay); resolves once the proxy serves them. */
  apply(manifests: GatewayManifests): Promise<void>;
  close(): Promise<void>;
}

export async function startSpecGateway(options: SpecGatewayOptions): Promise<SpecGateway> {
  const className = options.className ?? SPEC_CLASS;
  const namespace = options.namespace ?? 'default';
  const echoes: Record<string, LoggedEcho> = {};
  let proxy: GatewayProxy | undefined;
  try {
    for (const entry of options.echoes) {
      const log: RequestLog[] = [];
      const server = await startEcho({ name: echoName(entry), host: '127.0.0.1', port: 0, log: (line) => log.push(line) });
      echoes[entry] = { server, log };
    }
    const echoAddress: EchoAddress = (entry) => {
      const echo = echoes[entry];
      if (!echo) throw new Error(`no echo named ${entry}`);
      return { host: echo.server.address.host, port: echo.server.address.port };
    };
    const fullText = (manifests: GatewayManifests): string =>
      [
        `apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: ${className}}\nspec: {controllerName: ${GATEWAY_CONTROLLER_NAME}}`,
        ...Object.keys(echoes).map((entry) => {
          const [ns, name] = entry.includes('/') ? entry.split('/', 2) : [namespace, entry];
          return serviceYaml({ name: name ?? entry, namespace: ns ?? namespace, port: ECHO_PORT, backends: [echoAddress(entry)] });
        }),
        typeof manifests === 'string' ? manifests : manifests(echoAddress),
      ].join('\n---\n');

    let translation = translateText(fullText(options.manifests), namespace);
    let version = 1;
    for (let attempt = 1; ; attempt++) {
      const portOffset = await freeOffset(listenerPorts(translation, className));
      proxy = new GatewayProxy({
        className,
        host: '127.0.0.1',
        portOffset,
        log: createLogger({ level: (process.env.SIDELANE_TEST_LOG as 'debug' | undefined) ?? 'silent' }),
        tracing: createTracing({ env: {}, serviceName: 'sidelane-gateway-test' }),
        connectTimeoutMs: 2000,
      });
      await proxy.start();
      // Another process may take a probed port before the proxy binds it: then try elsewhere.
      if (await applyTo(proxy, translation, className, `v${version}`)) break;
      await proxy.close();
      proxy = undefined;
      if (attempt === 5) throw new Error('could not bind the listener ports after 5 offsets');
    }
    const running = proxy;
    const send = (path: string, o: GatewayRequest = {}): Promise<SimpleResponse> => {
      const bound = running.boundPorts().get(o.port ?? 80);
      if (!bound) return Promise.reject(new Error(`no listener bound for port ${o.port ?? 80}`));
      return sendTo(bound.port, path, o);
    };
    const spec: SpecGateway = {
      proxy: running,
      echoes,
      get translation() {
        return translation;
      },
      boundPort(listenerPort) {
        const bound = running.boundPorts().get(listenerPort);
        if (!bound) throw new Error(`no listener bound for port ${listenerPort}`);
        return bound.port;
      },
      get: send,
      async tally(count, path, o = {}) {
        const seen = new Map<string, number>();
        const concurrency = o.concurrency ?? 10;
        const agent = o.https ? new https.Agent({ keepAlive: true, maxSockets: concurrency }) : new http.Agent({ keepAlive: true, maxSockets: concurrency });
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < count) {
            next++;
            const res = await send(path, { ...o, agent });
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
      // One implementation for both overloads: the kind decides which list is searched.
      statusOf(kind: 'Gateway' | RouteKindName, ns: string, name: string): never {
        const found =
          kind === 'Gateway'
            ? translation.gatewayStatuses.find((g) => g.namespace === ns && g.name === name)
            : translation.statuses.find((r) => r.kind === kind && r.namespace === ns && r.name === name);
        return found as never;
      },
      async apply(manifests) {
        const next = translateText(fullText(manifests), namespace);
        version++;
        if (!(await applyTo(running, next, className, `v${version}`))) throw new Error('a listener port of the new config could not be bound');
        translation = next;
      },
      async close() {
        await running.close({ drainMs: 0 });
        await closeEchoes(echoes);
      },
    };
    return spec;
  } catch (err) {
    await proxy?.close({ drainMs: 0 });
    await closeEchoes(echoes);
    throw err;
  }
}

function echoName(entry: string): string {
  return entry.includes('/') ? entry.slice(entry.indexOf('/') + 1) : entry;
}

function translateText(text: string, namespace: string): TranslationResult {
  const parsed = parseManifests(text, 'spec-gateway');
  const classified = classify(parsed.objects, namespace);
  const errors = [...parsed.errors, ...classified.errors];
  if (errors.length > 0) throw new Error(`test manifests are not valid:\n${errors.map(formatManifestError).join('\n')}`);
  return translate(classified.snapshot, { gatewayAddresses: [{ type: 'IPAddress', value: '127.0.0.1' }] });
}

function listenerPorts(translation: TranslationResult, className: string): number[] {
  return [...new Set((translation.ir.gateways ?? []).find((c) => c.name === className)?.ports.map((p) => p.port) ?? [])];
}

/** Applies, waits for the binds, and tells whether every listener port of the class is bound. */
async function applyTo(proxy: GatewayProxy, translation: TranslationResult, className: string, version: string): Promise<boolean> {
  const applied = proxy.apply(translation.ir, version);
  if (!applied.applied) throw new Error(`the gateway refused the config: ${applied.reason}`);
  await proxy.settled();
  const bound = proxy.boundPorts();
  return listenerPorts(translation, className).every((p) => bound.has(p));
}

/**
 * An offset putting every port on a free port of 127.0.0.1, below Linux's ephemeral range
 * (32768+) so that port-0 listeners and outgoing connections of other tests never take them.
 */
async function freeOffset(ports: readonly number[]): Promise<number> {
  const highest = Math.max(80, ...ports);
  for (let tries = 0; tries < 50; tries++) {
    const offset = 10_000 + Math.floor(Math.random() * (32_000 - 10_000 - highest));
    const free = await Promise.all(ports.map((p) => isFree(p + offset)));
    if (free.every(Boolean)) return offset;
  }
  throw new Error(`no free offset for ports ${ports.join(', ')}`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** One HTTP/1.1 request (TLS when asked) to 127.0.0.1:port with the Host of our choosing. */
export function sendTo(port: number, path: string, o: GatewayRequest): Promise<SimpleResponse> {
  const host = o.host ?? 'example.com';
  const base = { host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: { host, ...o.headers }, agent: o.agent ?? false };
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
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
    };
    const req = o.https
      ? https.request({ ...base, ca: o.https.ca, servername: o.https.servername ?? host.replace(/:\d+$/, '') }, onResponse)
      : http.request(base, onResponse);
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${path} in 10 s`)));
    req.end(o.body);
  });
}

async function closeEchoes(echoes: Record<string, LoggedEcho>): Promise<void> {
  await Promise.all(Object.values(echoes).map((e) => e.server.close()));
}

/** The route's status entry for a Gateway parent (ours), by Gateway name and the ref's sectionName/port. */
export function gatewayParent(
  status: RouteStatusIR | undefined,
  gateway: string,
  ref: { sectionName?: string; port?: number } = {},
): RouteParentStatusIR | undefined {
  return status?.parents.find(
    (p) =>
      p.controllerName === GATEWAY_CONTROLLER_NAME &&
      p.parentRef.kind === 'Gateway' &&
      p.parentRef.name === gateway &&
      p.parentRef.sectionName === ref.sectionName &&
      p.parentRef.port === ref.port,
  );
}

/** `type → "status/reason"`, the part of conditions tests compare. */
export function conditionsOf(conditions: readonly ConditionIR[] | undefined): Record<string, string> {
  return Object.fromEntries((conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));
}

export interface TestCertificate {
  certPem: string;
  keyPem: string;
}

/** A self-signed certificate for these DNS names (the first is the CN): its own CA for clients. */
export function selfSignedCertificate(hostnames: readonly string[]): TestCertificate {
  // The RSA key from Node's crypto (native, fast); forge only builds and signs the certificate.
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const subject = [{ name: 'commonName', value: hostnames[0] ?? 'localhost' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: hostnames.map((value) => ({ type: 2, value })) },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKey), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKey };
}

/** A kubernetes.io/tls Secret holding the certificate. */
export function tlsSecretYaml(name: string, namespace: string, cert: TestCertificate): string {
  const b64 = (pem: string): string => Buffer.from(pem).toString('base64');
  return `apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: ${namespace}}
type: kubernetes.io/tls
data: {tls.crt: ${b64(cert.certPem)}, tls.key: ${b64(cert.keyPem)}}`;
}
