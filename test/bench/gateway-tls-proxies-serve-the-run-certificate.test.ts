import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCertificate } from '../../bench/gateway-cert.js';
import { BODY, haproxyTlsConf, nginxTlsProxyConf, type GatewayPorts, type TlsMaterial } from '../../bench/gateway-configs.js';
import { probeHttps } from '../../bench/gateway-tls.js';
import { runWrk, type Loader } from '../../bench/load.js';
import { freePort, Processes, waitForPort } from '../../bench/processes.js';
import { ensureTools, toolPath } from '../../bench/tools.js';

// nginx, haproxy and wrk come from Debian: installed here (as root) when missing, as `npm run
// bench` does; without root the test fails and says what to install — it is never skipped.
const processes = new Processes();
let dir = '';
let tls: TlsMaterial;
let backend: http.Server;
let ports: GatewayPorts;

before(async () => {
  ensureTools((line) => {
    process.stderr.write(`${line}\n`);
  });
  dir = await mkdtemp(join(tmpdir(), 'sidelane-bench-tls-'));
  tls = await generateCertificate(dir, 'ec');
  backend = http.createServer((req, res) => {
    // The Host reaches the backend unchanged, as through a Gateway: a proxy rewriting it shows here.
    res.writeHead(req.headers.host === 'bench.example.com' ? 200 : 404);
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

const loader: Loader = { core: 0, seconds: 1, connections: 4, h2Clients: 1, h2Streams: 1 };

for (const name of ['nginx', 'haproxy'] as const) {
  test(`${name} terminates HTTPS with the run's certificate and wrk loads it with keep-alive and with a handshake per request`, { timeout: 30_000 }, async () => {
    const own = join(dir, name);
    await mkdir(own, { recursive: true });
    const started =
      name === 'nginx'
        ? await writeFile(join(own, 'nginx.conf'), nginxTlsProxyConf(own, ports, tls)).then(() =>
            processes.start({ name, core: 0, command: toolPath('nginx'), args: ['-c', join(own, 'nginx.conf'), '-p', own] }),
          )
        : await writeFile(join(own, 'haproxy.cfg'), haproxyTlsConf(ports, tls)).then(() =>
            processes.start({ name, core: 0, command: toolPath('haproxy'), args: ['-f', join(own, 'haproxy.cfg'), '-db'] }),
          );
    try {
      await waitForPort(ports.proxyTls, started);
      assert.match(await probeHttps(ports.proxyTls, tls), /^TLSv1\.3 TLS_/);
      const target = { port: ports.proxyTls, host: 'bench.example.com', scheme: 'https' as const };
      const keepAlive = await runWrk(target, loader);
      assert.equal(keepAlive.errors, 0, keepAlive.errorDetail);
      assert.ok(keepAlive.requests > 100, `only ${keepAlive.requests} requests`);
      const handshakes = await runWrk({ ...target, headers: ['Connection: close'] }, loader);
      assert.equal(handshakes.errors, 0, handshakes.errorDetail);
      assert.ok(handshakes.requests > 10, `only ${handshakes.requests} requests`);
      // Fewer requests than with keep-alive: each one really paid for a handshake.
      assert.ok(handshakes.requests < keepAlive.requests, `${handshakes.requests} with a handshake each, ${keepAlive.requests} with keep-alive`);
    } finally {
      await processes.stop(started);
    }
  });
}

test('the HTTPS probe refuses a server that does not serve the run certificate', { timeout: 10_000 }, async () => {
  const other = await generateCertificate(await mkdtemp(join(dir, 'other-')), 'ec');
  const server = https.createServer({ cert: other.certPem, key: other.keyPem }, (_req, res) => res.end(BODY));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await assert.rejects(probeHttps((server.address() as { port: number }).port, tls), /self[- ]signed|certificate/i);
  } finally {
    server.close();
    server.closeAllConnections();
  }
});
