import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startAdminServer, type AdminServer } from '../../../sidecar/admin/server.js';
import { ProxyMetrics } from '../../../sidecar/observe/metrics.js';
import { endpointHost } from '../../support/kube.js';

let admin: AdminServer;
let ready = false;
const metrics = new ProxyMetrics({ defaultMetrics: false });

before(async () => {
  admin = await startAdminServer({
    // All addresses, as in a pod (the kubelet probes the pod IP).
    host: '0.0.0.0',
    port: 0,
    metrics,
    isReady: () => ready,
    configDump: () => ({ version: 'v7', listeners: [{ port: 15001, tls: { certificate: 'CERT', privateKey: 'KEY' } }] }),
  });
});
after(async () => {
  await admin.close();
});

function get(path: string, method = 'GET', host = '127.0.0.1'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port: admin.port, path, method, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

test('/ready answers 503 until the proxy is ready, then 200', async () => {
  assert.equal((await get('/ready')).status, 503);
  ready = true;
  const answer = await get('/ready');
  assert.equal(answer.status, 200);
  assert.equal(answer.body, 'ready\n');
});

test('/live answers 200', async () => {
  assert.equal((await get('/live')).status, 200);
});

test('/metrics answers the Prometheus text with its content type', async () => {
  metrics.configApplied('v7');
  const answer = await get('/metrics');
  assert.equal(answer.status, 200);
  assert.equal(answer.type, metrics.contentType);
  assert.match(answer.body, /^sidelane_config_info\{version="v7"\} 1$/m);
});

test('/config answers pretty JSON with key material redacted', async () => {
  const answer = await get('/config');
  assert.equal(answer.status, 200);
  assert.match(answer.type, /^application\/json/);
  assert.match(answer.body, /\n {2}"version": "v7"/);
  assert.deepEqual(JSON.parse(answer.body), {
    version: 'v7',
    listeners: [{ port: 15001, tls: { certificate: 'CERT', privateKey: '[REDACTED]' } }],
  });
});

test('other paths are 404 and other methods 405', async () => {
  assert.equal((await get('/')).status, 404);
  assert.equal((await get('/config/extra')).status, 404);
  assert.equal((await get('/ready', 'POST')).status, 405);
  assert.equal((await get('/ready?verbose=1')).status, 200);
});

test('from outside the pod (a non-loopback peer), probes and metrics answer but the config dump is refused', async () => {
  const podIp = endpointHost();
  assert.equal((await get('/live', 'GET', podIp)).status, 200);
  assert.equal((await get('/metrics', 'GET', podIp)).status, 200);
  const dump = await get('/config', 'GET', podIp);
  assert.equal(dump.status, 403);
  assert.doesNotMatch(dump.body, /v7/);
});
