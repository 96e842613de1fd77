import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTools } from '../../bench/tools.js';
import { H1_HOST, H2C_HOST, haproxyConf, nginxBackendConf, nginxProxyConf, sidelaneManifests, type Ports } from '../../bench/configs.js';
import { generateCertificate } from '../../bench/gateway-cert.js';
import { haproxyTlsConf, nginxTlsProxyConf, type GatewayPorts } from '../../bench/gateway-configs.js';
import { request, startTestMesh } from '../support/mesh.js';

const ports: Ports = { backendH1: 18001, backendH2c: 18002, proxyH1: 18003, proxyH2c: 18004, admin: 18005 };
const gatewayPorts: GatewayPorts = { backend: 18001, proxyTls: 18006 };

function listening(server: http.Server | http2.Http2Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => { resolve((server.address() as { port: number }).port); }));
}

test('the Sidelane manifests route Host bench over HTTP/1.1 and bench-h2c over h2c to their backends', async () => {
  const h1 = http.createServer((_req, res) => res.end('h1\n'));
  const h2c = http2.createServer((_req, res) => res.end('h2c\n'));
  const backendH1 = await listening(h1);
  const backendH2c = await listening(h2c);
  const mesh = await startTestMesh(sidelaneManifests({ ...ports, backendH1, backendH2c }));
  try {
    const viaH1 = await request(mesh.port, H1_HOST, '/anything');
    assert.equal(viaH1.status, 200);
    assert.equal(viaH1.body, 'h1\n');
    // The h2c Service's appProtocol makes the proxy speak h2c upstream: the h2c-only backend answers.
    const viaH2c = await request(mesh.port, H2C_HOST, '/');
    assert.equal(viaH2c.status, 200);
    assert.equal(viaH2c.body, 'h2c\n');
  } finally {
    await mesh.close();
    h1.close();
    h2c.close();
  }
});

// nginx and haproxy come from Debian: installed here (as root) when missing, as `npm run bench`
// does; without root the test fails and says what to install — it is never skipped.
before(() => {
  ensureTools((line) => {
    process.stderr.write(`${line}\n`);
  });
});

test('nginx accepts the backend and proxy configs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-bench-conf-'));
  try {
    for (const [name, text] of [['backend.conf', nginxBackendConf(dir, ports)], ['proxy.conf', nginxProxyConf(dir, ports)]] as const) {
      await writeFile(join(dir, name), text);
      const check = spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin" nginx -t -q -c ${join(dir, name)} -p ${dir}`], { encoding: 'utf8' });
      assert.equal(check.status, 0, `${name}: ${check.stderr}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('haproxy accepts the proxy config', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-bench-conf-'));
  try {
    await writeFile(join(dir, 'haproxy.cfg'), haproxyConf(ports));
    const check = spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin" haproxy -c -q -f ${join(dir, 'haproxy.cfg')}`], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('nginx and haproxy accept the TLS-terminating gateway configs with a fresh certificate of either kind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-bench-conf-'));
  try {
    for (const kind of ['ec', 'rsa'] as const) {
      const tls = await generateCertificate(dir, kind);
      await writeFile(join(dir, 'nginx-tls.conf'), nginxTlsProxyConf(dir, gatewayPorts, tls));
      const nginx = spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin" nginx -t -q -c ${join(dir, 'nginx-tls.conf')} -p ${dir}`], { encoding: 'utf8' });
      assert.equal(nginx.status, 0, `nginx (${kind}): ${nginx.stderr}`);
      await writeFile(join(dir, 'haproxy-tls.cfg'), haproxyTlsConf(gatewayPorts, tls));
      const haproxy = spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin" haproxy -c -f ${join(dir, 'haproxy-tls.cfg')}`], { encoding: 'utf8' });
      assert.equal(haproxy.status, 0, `haproxy (${kind}): ${haproxy.stderr}${haproxy.stdout}`);
      // A warning is how haproxy says a setting did not do what was meant: none allowed.
      assert.doesNotMatch(`${haproxy.stderr}${haproxy.stdout}`, /WARNING|ALERT/, `haproxy (${kind})`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
