// `sidelane run -f examples/gateway --port-offset N` serves the example Gateway on a laptop: the
// `http` listener (80 + N) routes any host to the store echo, the `https` listener (443 + N)
// terminates TLS with the example certificate and routes www.example.com to the web echo. The
// example files are used as committed, except that the EndpointSlices point at this test's echoes.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startMesh } from '../../src/cli/run-command.js';
import { startEcho, type EchoServer } from '../../src/echo/index.js';

/** Example listener ports (examples/gateway and its postgres/ directory). */
const LISTENER_PORTS = [80, 443, 5432];

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => { resolve(false); });
    server.listen(port, '127.0.0.1', () => { server.close(() => { resolve(true); }); });
  });
}

/** An offset that leaves every example listener port free on 127.0.0.1 right now. */
async function freeOffset(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = 20_000 + Math.floor(Math.random() * 38_000);
    const free = await Promise.all(LISTENER_PORTS.map((p) => portIsFree(p + offset)));
    if (free.every(Boolean)) return offset;
  }
  throw new Error('no free port offset found for the example listeners');
}

interface Answer {
  status: number;
  name: string;
  host: string;
}

function answerOf(res: http.IncomingMessage, resolve: (a: Answer) => void, reject: (e: Error) => void): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('end', () => {
    try {
      const echo = JSON.parse(body) as { name: string; host: string };
      resolve({ status: res.statusCode ?? 0, name: echo.name, host: echo.host });
    } catch {
      reject(new Error(`not an echo answer (${res.statusCode ?? 0}): ${body}`));
    }
  });
}

function get(port: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/hello', agent: false, timeout: 5000 }, (res) => { answerOf(res, resolve, reject); });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

function getTls(port: number, ca: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: '/secure', servername: 'www.example.com', headers: { host: 'www.example.com' }, ca, agent: false, timeout: 5000 },
      (res) => { answerOf(res, resolve, reject); },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

test('sidelane run serves the example Gateway: http to store, https with the example certificate to web', { timeout: 60_000 }, async () => {
  const echoes: EchoServer[] = [await startEcho({ name: 'web', host: '127.0.0.1', port: 0 }), await startEcho({ name: 'store', host: '127.0.0.1', port: 0 })];
  const [web, store] = echoes as [EchoServer, EchoServer];
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-gateway-example-'));
  const stderr: string[] = [];
  try {
    await cp('examples/gateway', dir, { recursive: true });
    const file = join(dir, 'gateway.yaml');
    const yaml = await readFile(file, 'utf8');
    assert.match(yaml, /port: 19191/);
    assert.match(yaml, /port: 19192/);
    await writeFile(file, yaml.replace('port: 19191', `port: ${web.address.port}`).replace('port: 19192', `port: ${store.address.port}`));

    const offset = await freeOffset();
    const mesh = await startMesh(
      {
        filename: [dir],
        namespace: 'default',
        listen: '127.0.0.1:0',
        admin: '127.0.0.1:0',
        clusterDomain: 'cluster.local',
        accessLog: false,
        logLevel: (process.env.SIDELANE_TEST_LOG as 'debug' | undefined) ?? 'silent',
        balancer: 'p2c',
        portOffset: String(offset),
      },
      { out: () => undefined, err: (t) => stderr.push(t), exitCode: () => undefined, env: {} },
    );
    try {
      const printed = stderr.join('\n');
      assert.match(printed, new RegExp(`listener http \\(HTTP 80\\) on http://127\\.0\\.0\\.1:${80 + offset}`), printed);
      assert.match(printed, new RegExp(`listener https \\(HTTPS 443\\) on https://127\\.0\\.0\\.1:${443 + offset}`), printed);
      assert.doesNotMatch(printed, /status problems/, printed);

      const plain = await get(80 + offset);
      assert.deepEqual(plain, { status: 200, name: 'store', host: `127.0.0.1:${80 + offset}` });

      const ca = await readFile('examples/gateway/example-ca.pem', 'utf8');
      const secure = await getTls(443 + offset, ca);
      assert.deepEqual(secure, { status: 200, name: 'web', host: 'www.example.com' });

      // The Gateways' status address is where run serves them.
      const status = mesh.watcher.current()?.gatewayStatuses.find((g) => g.name === 'example-gateway');
      assert.deepEqual(status?.addresses, [{ type: 'IPAddress', value: '127.0.0.1' }]);
    } finally {
      await mesh.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await Promise.all(echoes.map((e) => e.close()));
  }
});
