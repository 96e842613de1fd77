import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createCa, issueServingCert, type CertificateAuthority } from '../../injector/certs.js';
import { loadInjectorConfig } from '../../injector/config.js';
import { startInjectorServer, type InjectorServer, type InjectorServerOptions } from '../../injector/server.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => unknown;
}

let ca: CertificateAuthority;
let serving: { cert: string; key: string };

before(async () => {
  ca = await createCa({ commonName: 'test-ca', validForMs: 3_600_000, now: Date.now() });
  const cert = await issueServingCert(ca, { dnsNames: ['sidelane-injector.test.svc'], ipAddresses: ['127.0.0.1'], validForMs: 3_600_000, now: Date.now() });
  serving = { cert: cert.certPem, key: cert.keyPem };
});

const servers: InjectorServer[] = [];
after(async () => { await Promise.all(servers.map((s) => s.close())); });

async function start(overrides: Partial<InjectorServerOptions> = {}): Promise<{ server: InjectorServer; registry: Registry; logs: Record<string, unknown>[] }> {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done(); } });
  const registry = new Registry();
  const server = await startInjectorServer({
    host: '127.0.0.1', port: 0, tls: serving, config: await loadInjectorConfig(), failurePolicy: 'Ignore',
    log: pino({ level: 'info', base: null, formatters: { level: (label) => ({ level: label }) } }, sink), registry, ...overrides,
  });
  servers.push(server);
  return { server, registry, logs };
}

function call(server: InjectorServer, method: string, path: string, body?: string | Buffer, headers: Record<string, string | number> = {}, trust = ca.certPem): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: server.port, method, path, ca: trust, agent: false, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) as unknown });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.on('timeout', () => { req.destroy(new Error('timed out')); });
    req.end(body);
  });
}

const json = { 'content-type': 'application/json' };

function review(uid: string, pod: object, options: { dryRun?: boolean; namespace?: string } = {}): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid, kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' },
      operation: 'CREATE', namespace: options.namespace ?? 'demo', dryRun: options.dryRun ?? false, object: pod,
    },
  });
}

const web = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } };

interface ReviewResponse {
  response: { uid: string; allowed: boolean; patchType?: string; patch?: string; warnings?: string[]; status?: { code: number; message: string } };
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric as { values?: { labels: Record<string, string | number>; value: number }[] } | undefined)?.values ?? [];
  return values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))?.value;
}

test('a pod CREATE review is answered with a JSON patch adding the proxy, counted and logged', async () => {
  const { server, registry, logs } = await start();
  const answer = await call(server, 'POST', '/inject', review('uid-1', web), json);
  assert.equal(answer.status, 200);
  const { response } = answer.json() as ReviewResponse;
  assert.equal(response.uid, 'uid-1');
  assert.equal(response.allowed, true);
  assert.equal(response.patchType, 'JSONPatch');
  const patch = JSON.parse(Buffer.from(response.patch ?? '', 'base64').toString()) as unknown[];
  assert.match(JSON.stringify(patch), /sidelane-proxy/);

  const dry = await call(server, 'POST', '/inject', review('uid-2', web, { dryRun: true }), { 'content-type': 'application/json; charset=utf-8' });
  assert.equal(dry.status, 200);
  assert.equal(await metricValue(registry, 'sidelane_injector_reviews_total', { outcome: 'injected', dry_run: 'false' }), 1);
  assert.equal(await metricValue(registry, 'sidelane_injector_reviews_total', { outcome: 'injected', dry_run: 'true' }), 1);
  const line = logs.find((l) => l.uid === 'uid-2');
  assert.deepEqual({ ...line, time: undefined, durationMs: undefined }, {
    level: 'info', event: 'review', outcome: 'injected', namespace: 'demo', pod: 'web', dryRun: true, uid: 'uid-2',
    reason: line?.reason, msg: 'admission review', time: undefined, durationMs: undefined,
  });
  const metrics = await call(server, 'GET', '/metrics');
  assert.match(metrics.body, /sidelane_injector_review_duration_seconds_bucket/);
  assert.equal((await call(server, 'GET', '/ready')).status, 200);
});

test('a pod with a bad sidelane.io annotation is admitted uninjected, with a metric and a warn line', async () => {
  const { server, registry, logs } = await start();
  const pod = { ...web, metadata: { name: 'bad', annotations: { 'sidelane.io/exclude-inbound-ports': 'eighty' } } };
  const answer = await call(server, 'POST', '/inject', review('uid-3', pod), json);
  const { response } = answer.json() as ReviewResponse;
  assert.equal(response.allowed, true);
  assert.equal(response.patch, undefined);
  assert.equal(await metricValue(registry, 'sidelane_injector_admitted_without_injection_total', { reason: 'invalid-pod' }), 1);
  const warn = logs.find((l) => l.level === 'warn' && l.uid === 'uid-3');
  assert.equal(warn?.msg, 'pod admitted without injection');
  assert.equal(warn.pod, 'bad');
});

test('malformed requests get 400 with a JSON error, and the server keeps serving', async () => {
  const { server, registry } = await start();
  const bad = await call(server, 'POST', '/inject', '{"apiVersion":', json);
  assert.equal(bad.status, 400);
  assert.match((bad.json() as { error: string }).error, /not JSON/);
  const text = await call(server, 'POST', '/inject', review('uid-4', web), { 'content-type': 'text/plain' });
  assert.equal(text.status, 400);
  assert.match((text.json() as { error: string }).error, /application\/json/);
  const noUid = await call(server, 'POST', '/inject', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: {} }), json);
  assert.equal(noUid.status, 400);
  assert.match((noUid.json() as { error: string }).error, /uid/);
  assert.equal((await call(server, 'GET', '/inject')).status, 405);
  assert.equal((await call(server, 'GET', '/nowhere')).status, 404);
  assert.equal(await metricValue(registry, 'sidelane_injector_reviews_total', { outcome: 'invalid-review', dry_run: 'false' }), 3);
  assert.equal((await call(server, 'POST', '/inject', review('uid-5', web), json)).status, 200);
});

test('a body over the limit is refused with 413, declared or streamed', async () => {
  const { server } = await start();
  const declared = await callTolerant(server, Buffer.alloc(11 * 1024 * 1024, 0x20), { ...json, 'content-length': 11 * 1024 * 1024 });
  assert.equal(declared, 413);
  const small = await start({ maxBodyBytes: 64 * 1024 });
  const streamed = await callTolerant(small.server, Buffer.alloc(1024 * 1024, 0x20), { ...json, 'transfer-encoding': 'chunked' });
  assert.equal(streamed, 413);
  assert.equal((await call(small.server, 'POST', '/inject', review('uid-6', web), json)).status, 200);
});

/** The status of a request the server may answer (and close) before the body is sent. */
function callTolerant(server: InjectorServer, body: Buffer, headers: Record<string, string | number>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/inject', ca: ca.certPem, agent: false, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => { setTimeout(() => { reject(err); }, 2000).unref(); });
    req.end(body);
  });
}

test('an exception inside admit: Ignore admits the pod unchanged, Fail refuses it with a 500 status', async () => {
  const boom = (): never => { throw new Error('boom'); };
  const ignore = await start({ admit: boom, failurePolicy: 'Ignore' });
  const allowed = (await call(ignore.server, 'POST', '/inject', review('uid-7', web), json)).json() as ReviewResponse;
  assert.equal(allowed.response.uid, 'uid-7');
  assert.equal(allowed.response.allowed, true);
  assert.equal(allowed.response.patch, undefined);
  assert.match(allowed.response.warnings?.[0] ?? '', /boom/);
  assert.equal(await metricValue(ignore.registry, 'sidelane_injector_admitted_without_injection_total', { reason: 'internal-error' }), 1);
  assert.ok(ignore.logs.some((l) => l.level === 'warn' && l.outcome === 'internal-error' && l.uid === 'uid-7'));

  const fail = await start({ admit: boom, failurePolicy: 'Fail' });
  const refused = (await call(fail.server, 'POST', '/inject', review('uid-8', web), json)).json() as ReviewResponse;
  assert.equal(refused.response.allowed, false);
  assert.equal(refused.response.status?.code, 500);
  assert.match(refused.response.status.message, /SIDELANE_ERR_INJECTOR_INTERNAL.*boom/);
  assert.equal(await metricValue(fail.registry, 'sidelane_injector_admitted_without_injection_total', { reason: 'internal-error' }), 0);
  assert.equal(await metricValue(fail.registry, 'sidelane_injector_reviews_total', { outcome: 'internal-error', dry_run: 'false' }), 1);
});

test('a new certificate is served to new connections without a restart', async () => {
  const { server } = await start();
  const otherCa = await createCa({ commonName: 'rotated-ca', validForMs: 3_600_000, now: Date.now() });
  const next = await issueServingCert(otherCa, { dnsNames: [], ipAddresses: ['127.0.0.1'], validForMs: 3_600_000, now: Date.now() });
  server.setTls({ cert: next.certPem, key: next.keyPem });
  assert.equal((await call(server, 'GET', '/ready', undefined, {}, otherCa.certPem)).status, 200);
  await assert.rejects(call(server, 'GET', '/ready'), /self-signed|unable to verify|certificate/);
  assert.throws(() => { server.setTls({ cert: next.certPem, key: serving.key }); }, 'a key that does not fit is refused, the old context stays');
  assert.equal((await call(server, 'GET', '/ready', undefined, {}, otherCa.certPem)).status, 200);
});
