import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classify, parseManifests } from '../../src/api/objects.js';
import { translate } from '../../src/translate/index.js';
import { generateCertificate } from '../../bench/gateway-cert.js';
import { BODY, GATEWAY_CLASS, GATEWAY_HOST, GATEWAY_LISTENER_PORT, sidelaneGatewayManifests, sidelanePortOffset, type GatewayPorts, type TlsMaterial } from '../../bench/gateway-configs.js';
import { probeHttps } from '../../bench/gateway-tls.js';
import { runWrk } from '../../bench/load.js';
import { freePort, Processes, waitForPort } from '../../bench/processes.js';
import { waitForReady } from '../../bench/targets.js';
import { ensureTools } from '../../bench/tools.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const processes = new Processes();
let dir = '';
let tls: TlsMaterial;
let backend: http.Server;
let ports: GatewayPorts;

before(async () => {
  ensureTools((line) => {
    process.stderr.write(`${line}\n`);
  });
  dir = await mkdtemp(join(tmpdir(), 'sidelane-bench-gw-'));
  tls = await generateCertificate(dir, 'ec');
  backend = http.createServer((req, res) => {
    res.writeHead(req.headers.host === GATEWAY_HOST ? 200 : 404);
    res.end(BODY);
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  ports = { backend: (backend.address() as { port: number }).port, proxyTls: await freePort() };
});

after(async () => {
  await processes.stopAll();
  backend.close();
  backend.closeAllConnections();
  await rm(dir, { recursive: true, force: true });
});

test('the bench manifests load without errors and translate to one HTTPS listener terminating with the run certificate', () => {
  const parsed = parseManifests(sidelaneGatewayManifests(ports, tls), 'gateway.yaml');
  assert.deepEqual(parsed.errors, []);
  const { snapshot, ignored, errors, warnings } = classify(parsed.objects, 'default');
  assert.deepEqual({ ignored, errors, warnings }, { ignored: [], errors: [], warnings: [] });
  assert.equal(snapshot.gatewayClasses.length, 1);
  assert.equal(snapshot.gateways.length, 1);
  const secret = snapshot.secrets[0];
  assert.equal(Buffer.from(secret?.data?.['tls.crt'] ?? '', 'base64').toString('utf8'), tls.certPem);
  assert.equal(Buffer.from(secret?.data?.['tls.key'] ?? '', 'base64').toString('utf8'), tls.keyPem);

  const { ir } = translate(snapshot);
  const gatewayClass = ir.gateways?.find((c) => c.name === GATEWAY_CLASS);
  assert.ok(gatewayClass, `no gateway class ${GATEWAY_CLASS} in the IR: ${JSON.stringify(ir.gateways)}`);
  assert.equal(gatewayClass.ports.length, 1);
  const port = gatewayClass.ports[0];
  assert.equal(port?.kind, 'tls');
  assert.equal(port.port, GATEWAY_LISTENER_PORT);
  const [listener] = port.listeners;
  assert.equal(listener?.mode, 'Terminate');
  assert.deepEqual(listener.certificates.map((c) => c.certificatePem), [tls.certPem]);
  assert.deepEqual(listener.http?.map((h) => h.hostname), [GATEWAY_HOST]);
});

test('`sidelane run -f <dir> --port-offset N` serves the bench Gateway: HTTPS with the run certificate, loadable by wrk', { timeout: 60_000 }, async () => {
  const manifests = join(dir, 'manifests');
  await rm(manifests, { recursive: true, force: true });
  await mkdir(manifests);
  await writeFile(join(manifests, 'gateway.yaml'), sidelaneGatewayManifests(ports, tls));
  const admin = await freePort();
  // As the bench starts it (there from a tsc build; here from the sources, through tsx).
  const args = [
    '--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'run', '-f', manifests,
    '--port-offset', String(sidelanePortOffset(ports)),
    '--listen', '127.0.0.1:0', '--admin', `127.0.0.1:${admin}`, '--log-level', 'warn',
  ];
  const started = processes.start({ name: 'sidelane run', core: 0, command: process.execPath, args, cwd: root });
  try {
    await waitForReady(admin, started, 30_000);
    await waitForPort(ports.proxyTls, started);
    assert.match(await probeHttps(ports.proxyTls, tls), /^TLSv1\.3 TLS_/);
    // wrk's way in: SNI 127.0.0.1, no ALPN, Host bench.example.com.
    const load = await runWrk({ port: ports.proxyTls, host: GATEWAY_HOST, scheme: 'https' }, { core: 0, seconds: 1, connections: 4, h2Clients: 1, h2Streams: 1 });
    assert.equal(load.errors, 0, load.errorDetail);
    assert.ok(load.requests > 10, `only ${load.requests} requests`);
  } finally {
    await processes.stop(started);
  }
});
