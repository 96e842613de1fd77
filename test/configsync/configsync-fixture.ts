// Shared set-up for the config server tests: a small "shop" mesh built from YAML with the real
// translator (producer and consumer routes, a mirror), a ConfigServer on 127.0.0.1:0, and a raw
// grpc-js client stream playing the proxy's part (no sidecar involved).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Metadata, type Client, type ClientDuplexStream, type StatusObject } from '@grpc/grpc-js';
import { pino } from 'pino';
import { classify, parseManifests } from '../../src/api/objects.js';
import { irVersion } from '../../src/ir/index.js';
import { newConfigSyncClient, type Delta, type HelloInput, type ProxyMessageInput, type ServerMessage } from '../../src/configsync/proto.js';
import { decodeBody } from '../../src/configsync/resources.js';
import { ConfigServer, type ConfigServerOptions, type PublishedConfig } from '../../src/configsync/server.js';
import { translate } from '../../src/translate/index.js';

export interface ShopOptions {
  /** Address of cart-v1's endpoint (change it to change one endpoints resource). */
  cartV1Endpoint?: string;
  /** Whether web's consumer route mirrors to shop/audit. */
  webMirror?: boolean;
  /** Backend of batch's consumer route (a change web's proxies must not see). */
  batchBackend?: string;
}

function service(ns: string, name: string, clusterIP: string, endpoint: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: {clusterIP: ${clusterIP}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-0, namespace: ${ns}, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints: [{addresses: ["${endpoint}"], conditions: {ready: true}}]`;
}

function route(ns: string, name: string, backend: string, mirror?: string): string {
  const filters = mirror
    ? `
    filters:
    - type: RequestMirror
      requestMirror: {backendRef: {name: ${mirror}, namespace: shop, port: 80}}`
    : '';
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${ns}}
spec:
  parentRefs: [{group: "", kind: Service, name: cart, namespace: shop, port: 80}]
  rules:
  - backendRefs: [{name: ${backend}, namespace: shop, port: 80}]${filters}`;
}

/**
 * shop/cart (10.96.0.10) routed to cart-v1 for everyone (producer route), to cart-v2 (+ mirror to
 * audit) for clients in web, to cart-v3 for clients in batch; web/frontend's pod is 10.244.1.10.
 */
export function shopYaml(options: ShopOptions = {}): string {
  return [
    ...['shop', 'web', 'batch'].map((ns) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}`),
    service('shop', 'cart', '10.96.0.10', '10.244.0.10'),
    service('shop', 'cart-v1', '10.96.0.11', options.cartV1Endpoint ?? '10.244.0.11'),
    service('shop', 'cart-v2', '10.96.0.12', '10.244.0.12'),
    service('shop', 'cart-v3', '10.96.0.13', '10.244.0.13'),
    service('shop', 'audit', '10.96.0.14', '10.244.0.14'),
    service('web', 'frontend', '10.96.1.10', '10.244.1.10'),
    route('shop', 'cart', 'cart-v1'),
    route('web', 'cart-canary', 'cart-v2', (options.webMirror ?? true) ? 'audit' : undefined),
    route('batch', 'cart-batch', options.batchBackend ?? 'cart-v3'),
  ].join('\n---\n');
}

/** A published config from manifests, through parseManifests, classify and translate. */
export function configFrom(yaml: string, changedAt?: number): PublishedConfig {
  const parsed = parseManifests(yaml, 'test.yaml');
  assert.deepEqual(parsed.errors, []);
  const classified = classify(parsed.objects, 'default');
  assert.deepEqual(classified.errors, []);
  const { ir } = translate(classified.snapshot);
  return { ir, version: irVersion(ir), ...(changedAt === undefined ? {} : { changedAt }) };
}

export interface TestServer {
  server: ConfigServer;
  port: number;
  /** Log lines (parsed JSON) the server wrote, at debug and above. */
  logs: Record<string, unknown>[];
  metric(name: string): Promise<number>;
  close(): Promise<void>;
}

export async function startServer(options: Partial<ConfigServerOptions> = {}): Promise<TestServer> {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const server = new ConfigServer({ log: pino({ level: 'debug' }, sink), replica: 'replica-a', closeGraceMs: 200, ...options });
  const { port } = await server.listen('127.0.0.1:0');
  return {
    server,
    port,
    logs,
    async metric(name) {
      const text = await server.registry.metrics();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
      return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
    },
    close: () => server.close(),
  };
}

export function hello(namespace: string, extra: Partial<HelloInput> = {}, podIps: string[] = []): ProxyMessageInput {
  return {
    hello: {
      identity: { pod: `${namespace}-pod`, namespace, serviceAccount: 'default', node: 'node-1', podIps, kind: 'sidecar' },
      proxyVersion: 'test',
      ...extra,
    },
  };
}

/** One proxy's stream, raw: what it sends is up to the test; deltas queue up to be awaited. */
export class RawProxy {
  readonly #client: Client;
  readonly #stream: ClientDuplexStream<ProxyMessageInput, ServerMessage>;
  readonly #deltas: Delta[] = [];
  #waiter: (() => void) | undefined;
  /** The stream's final status. */
  readonly status: Promise<StatusObject>;

  /** `token`: shown as `authorization: Bearer <token>` (for a server with an authenticator). */
  constructor(port: number, token?: string) {
    const client = newConfigSyncClient(`127.0.0.1:${port}`);
    this.#client = client;
    const metadata = new Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    this.#stream = client.Stream(metadata);
    this.#stream.on('data', (message: ServerMessage) => {
      if (message.message === 'delta') this.#deltas.push(message.delta);
      this.#waiter?.();
    });
    // Errors arrive as the status too; without a listener an error event would throw.
    this.#stream.on('error', () => undefined);
    this.status = new Promise((resolve) => this.#stream.on('status', resolve));
  }

  send(message: ProxyMessageInput): void {
    this.#stream.write(message);
  }

  async nextDelta(timeoutMs = 3000): Promise<Delta> {
    const deadline = Date.now() + timeoutMs;
    while (this.#deltas.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no delta within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#waiter = undefined;
    }
    const delta = this.#deltas.shift();
    assert.ok(delta);
    return delta;
  }

  /** Asserts that no delta arrives within `ms` (the server had nothing to say). */
  async noDelta(ms = 200): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    assert.deepEqual(this.#deltas.map((d) => ({ nonce: d.nonce, resources: d.resources.map((r) => r.name), removed: d.removed })), []);
  }

  ack(delta: Delta): void {
    this.send({ ack: { nonce: delta.nonce, version: delta.version } });
  }

  close(): void {
    this.#stream.cancel();
    this.#client.close();
  }
}

/** Resource names of a delta, and its bodies decoded. */
export function names(delta: Delta): string[] {
  return delta.resources.map((r) => r.name);
}

export function body(delta: Delta, name: string): unknown {
  const resource = delta.resources.find((r) => r.name === name);
  assert.ok(resource, `delta has no ${name} (it has ${names(delta).join(', ')})`);
  return decodeBody(resource.body);
}

/** Runs `fn` with a server and closes every proxy and the server afterwards. */
export async function withServer(fn: (t: TestServer, connect: (ns: string, extra?: Partial<HelloInput>, podIps?: string[]) => RawProxy) => Promise<void>, options: Partial<ConfigServerOptions> = {}): Promise<void> {
  const t = await startServer(options);
  const proxies: RawProxy[] = [];
  try {
    await fn(t, (ns, extra, podIps) => {
      const proxy = new RawProxy(t.port);
      proxies.push(proxy);
      proxy.send(hello(ns, extra, podIps));
      return proxy;
    });
  } finally {
    for (const p of proxies) p.close();
    await t.close();
  }
}
