// `sidelane gateway` (startGateway) serves its GatewayClass from the controller's config stream:
// the class's listener ports are bound and route to the backends, /ready turns 200. With proxy
// authentication, a gateway whose service account the controller was not told gets no listeners.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { classify, parseManifests } from '../../src/api/objects.js';
import { startGateway, type GatewayFlags, type RunningGateway } from '../../src/cli/gateway-command.js';
import type { ProxyAuthenticator } from '../../src/configsync/auth.js';
import { ConfigServer, type ConfigServerOptions } from '../../src/configsync/server.js';
import { startEcho, type EchoServer } from '../../src/echo/index.js';
import { irVersion, normalize } from '../../src/ir/index.js';
import { translate } from '../../src/translate/index.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => { resolve(port); });
    });
  });
}

function manifests(listenerPort: number, echoPort: number): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: sidelane}
spec: {controllerName: sidelane.io/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: edge}
spec:
  gatewayClassName: sidelane
  listeners: [{name: http, protocol: HTTP, port: ${listenerPort}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: edge}
spec:
  parentRefs: [{name: public}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: edge}
spec: {clusterIP: 10.96.0.10, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-0, namespace: edge, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: http, port: ${echoPort}, protocol: TCP}]
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]`;
}

async function serverWith(yaml: string, options: Partial<ConfigServerOptions> = {}): Promise<{ server: ConfigServer; address: string }> {
  const parsed = parseManifests(yaml, 'test.yaml');
  assert.deepEqual(parsed.errors, []);
  const { ir } = translate(classify(parsed.objects, 'default').snapshot);
  const normalized = normalize(ir);
  assert.ok(normalized.gateways?.length === 1, 'the class is in the IR');
  const server = new ConfigServer({ log: pino({ level: 'silent' }), closeGraceMs: 200, ...options });
  const { port } = await server.listen('127.0.0.1:0');
  server.publish({ ir: normalized, version: irVersion(normalized) });
  return { server, address: `127.0.0.1:${port}` };
}

function flags(controller: string, extra: Partial<GatewayFlags> = {}): GatewayFlags {
  return {
    controller: [controller],
    gatewayClass: 'sidelane',
    host: '127.0.0.1',
    portOffset: '0',
    admin: '127.0.0.1:0',
    pod: 'gw-0',
    namespace: 'sidelane-system',
    serviceAccount: 'sidelane-gateway',
    node: 'node-1',
    podIp: [],
    drain: '100',
    accessLog: false,
    logLevel: 'silent',
    balancer: 'p2c',
    ...extra,
  };
}

const io = { out: () => undefined, err: () => undefined, exitCode: () => undefined, env: {} };

function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }); });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

async function applied(gateway: RunningGateway): Promise<void> {
  assert.equal(await gateway.client.whenApplied(5000), true, 'the gateway got a config');
  await gateway.gateway.settled();
}

test('the gateway binds its class\'s listener and routes to the backend; /ready says so', { timeout: 30_000 }, async () => {
  const echo: EchoServer = await startEcho({ name: 'web', host: '127.0.0.1', port: 0 });
  const listenerPort = await freePort();
  const { server, address } = await serverWith(manifests(listenerPort, echo.address.port));
  const gateway = await startGateway(flags(address), io);
  try {
    await applied(gateway);
    assert.deepEqual(gateway.gateway.boundPorts().get(listenerPort), { host: '127.0.0.1', port: listenerPort, transport: 'TCP' });
    const answer = await get(listenerPort, '/through-the-gateway');
    assert.equal(answer.status, 200);
    assert.equal((JSON.parse(answer.body) as { name: string }).name, 'web');
    const admin = gateway.gateway.address('admin');
    assert.ok(admin);
    assert.equal((await get(admin.port, '/ready')).status, 200);
  } finally {
    await gateway.close();
    await server.close();
    await echo.close();
  }
});

test('with proxy authentication, only a listed gateway service account gets the listeners', { timeout: 30_000 }, async () => {
  const echo: EchoServer = await startEcho({ name: 'web', host: '127.0.0.1', port: 0 });
  const listenerPort = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-gateway-token-'));
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, 'a-token');
  const acceptAll: ProxyAuthenticator = () => Promise.resolve({ ok: true });
  const { server, address } = await serverWith(manifests(listenerPort, echo.address.port), {
    authenticate: acceptAll,
    gatewayServiceAccounts: ['sidelane-system/sidelane-gateway'],
  });
  const stranger = await startGateway(flags(address, { serviceAccount: 'default', tokenFile }), io);
  try {
    await applied(stranger);
    assert.equal(stranger.gateway.boundPorts().size, 0, 'an unlisted service account serves nothing');
  } finally {
    await stranger.close();
  }
  const listed = await startGateway(flags(address, { tokenFile }), io);
  try {
    await applied(listed);
    assert.equal(listed.gateway.boundPorts().get(listenerPort)?.port, listenerPort);
  } finally {
    await listed.close();
    await server.close();
    await echo.close();
    await rm(dir, { recursive: true, force: true });
  }
});
