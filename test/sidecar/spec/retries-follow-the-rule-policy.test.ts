// HTTPRouteRule.retry (GEP-1731): `attempts` retries after the first try on the listed `codes`,
// waiting at least `backoff`; a retry goes to another endpoint when there is one; connection
// failures are retried (the spec's SHOULD), a reset after the request was sent is not (SHOULD
// NOT, it may have been processed); a body larger than the proxy's replay buffer is streamed once
// and never retried. Counts come from scripted backends that fail their first N requests.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { serviceYaml } from '../../support/mesh.js';
import { failFirst, startScriptedBackend, type ScriptedBackend, type Script } from '../../support/scripted-backend.js';
import { startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

/** Sidecar's default replay buffer (SidecarOptions.replayLimit). */
const REPLAY_LIMIT = 64 * 1024;

const SCRIPTS: Record<string, Script> = {
  'always-503': () => ({ status: 503 }),
  'fail-twice': failFirst(2, 503),
  'fail-thrice': failFirst(3, 503),
  'fail-500': failFirst(1, 500),
  'fail-once-big': failFirst(1, 503),
  'fail-once-small': failFirst(1, 503),
  'fail-once-backoff': failFirst(1, 503),
  'fail-once-mirrored': failFirst(1, 503),
  'mirror-of-retried': () => ({ status: 200 }),
  'reset-first': (req) => (req.attempt === 1 ? 'reset' : { status: 200 }),
};

function rule(prefix: string, backend: string, retry: string): string {
  return `  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    backendRefs: [{name: ${backend}, port: 80}]
    retry: ${retry}`;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return port;
}

describe('retries', () => {
  let spec: SpecMesh;
  const backends: Record<string, ScriptedBackend> = {};
  const backend = (name: string): ScriptedBackend => {
    const b = backends[name];
    if (!b) throw new Error(`no backend ${name}`);
    return b;
  };
  before(async () => {
    for (const [name, script] of Object.entries(SCRIPTS)) backends[name] = await startScriptedBackend(name, script);
    const refused = await closedPort();
    spec = await startSpecMesh({
      echoes: ['echo-v1'],
      manifests: (echoAddress) => [
        ...Object.keys(SCRIPTS).map((name) => serviceYaml({ name, backends: [backend(name).address] })),
        serviceYaml({ name: 'mixed', backends: [backend('always-503').address, echoAddress('echo-v1')] }),
        serviceYaml({ name: 'refused-and-echo', backends: [{ host: '127.0.0.1', port: refused }, echoAddress('echo-v1')] }),
        `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: retries}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, port: 80}]
  rules:
${[
  rule('/mixed', 'mixed', '{attempts: 1, codes: [503], backoff: 1ms}'),
  rule('/fail-twice', 'fail-twice', '{attempts: 2, codes: [503], backoff: 1ms}'),
  rule('/fail-thrice', 'fail-thrice', '{attempts: 2, codes: [503], backoff: 1ms}'),
  rule('/fail-500', 'fail-500', '{attempts: 2, codes: [502, 503, 504], backoff: 1ms}'),
  rule('/fail-once-big', 'fail-once-big', '{attempts: 1, codes: [503], backoff: 1ms}'),
  rule('/fail-once-small', 'fail-once-small', '{attempts: 1, codes: [503], backoff: 1ms}'),
  rule('/fail-once-backoff', 'fail-once-backoff', '{attempts: 1, codes: [503], backoff: 200ms}'),
  rule('/reset-first', 'reset-first', '{attempts: 2, codes: [502, 503], backoff: 1ms}'),
  rule('/refused', 'refused-and-echo', '{attempts: 1, codes: [503], backoff: 1ms}'),
  rule('/mirrored', 'fail-once-mirrored', '{attempts: 1, codes: [503], backoff: 1ms}\n    filters: [{type: RequestMirror, requestMirror: {backendRef: {name: mirror-of-retried, port: 80}}}]'),
].join('\n')}`,
      ].join('\n---\n'),
    });
  });
  after(async () => {
    await spec.close();
    await Promise.all(Object.values(backends).map((b) => b.close()));
  });

  test('a 503 from one endpoint is retried on the other one: every request succeeds', async () => {
    for (let i = 0; i < 30; i++) {
      const res = await spec.get('/mixed');
      assert.equal(res.status, 200, res.body);
      assert.equal(res.json?.name, 'echo-v1');
    }
    // With two endpoints picked at random, the failing one is tried first about half the time.
    assert.ok(backend('always-503').requests.length > 0);
  });

  test('attempts: 2 after two failures makes three tries, and the third answer is the client’s', async () => {
    const res = await spec.get('/fail-twice');
    assert.equal(res.status, 200);
    assert.equal(backend('fail-twice').requests.length, 3);
  });

  test('when attempts run out, the backend’s last answer goes to the client as it was', async () => {
    const res = await spec.get('/fail-thrice');
    assert.equal(res.status, 503);
    assert.equal(res.headers[ERROR_HEADER], undefined);
    assert.match(res.body, /"attempt":3/);
    assert.equal(backend('fail-thrice').requests.length, 3);
  });

  test('a status not in `codes` is not retried', async () => {
    const res = await spec.get('/fail-500');
    assert.equal(res.status, 500);
    assert.equal(backend('fail-500').requests.length, 1);
  });

  test('a body within the replay buffer is sent again, whole', async () => {
    const body = Buffer.alloc(10 * 1024, 'b');
    const res = await spec.get('/fail-once-small', { method: 'POST', body });
    assert.equal(res.status, 200);
    assert.deepEqual(
      backend('fail-once-small').requests.map((r) => r.bodyBytes),
      [body.length, body.length],
    );
  });

  test('a body larger than the replay buffer is streamed once and never retried', async () => {
    const body = Buffer.alloc(REPLAY_LIMIT * 3, 'B');
    const res = await spec.get('/fail-once-big', { method: 'POST', body });
    assert.equal(res.status, 503);
    assert.deepEqual(
      backend('fail-once-big').requests.map((r) => r.bodyBytes),
      [body.length],
    );
  });

  test('the retry waits at least `backoff`', async () => {
    const started = Date.now();
    const res = await spec.get('/fail-once-backoff');
    const ms = Date.now() - started;
    assert.equal(res.status, 200);
    assert.equal(backend('fail-once-backoff').requests.length, 2);
    // At least the base, at most the cap of ten times it.
    assert.ok(ms >= 200 && ms < 2500, `answered after ${ms} ms`);
  });

  test('a reset after the request was sent is not retried (it may have been processed)', async () => {
    const res = await spec.get('/reset-first');
    assert.equal(res.status, 502);
    assert.equal(res.headers[ERROR_HEADER], ProxyErrorCode.UpstreamReset);
    assert.equal(backend('reset-first').requests.length, 1);
  });

  test('a refused connection is retried on another endpoint', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await spec.get('/refused');
      assert.equal(res.status, 200, res.body);
      assert.equal(res.json?.name, 'echo-v1');
    }
  });

  test('a retried request with a mirror: the mirror gets one copy, every attempt the whole body', async () => {
    const body = Buffer.alloc(20 * 1024, 'r');
    const res = await spec.get('/mirrored', { method: 'POST', body });
    assert.equal(res.status, 200);
    assert.deepEqual(
      backend('fail-once-mirrored').requests.map((r) => r.bodyBytes),
      [body.length, body.length],
    );
    await backend('mirror-of-retried').waitForRequests(1);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      backend('mirror-of-retried').requests.map((r) => r.bodyBytes),
      [body.length],
    );
  });
});
