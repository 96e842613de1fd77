// On-demand config: a sidecar starts knowing nothing of the mesh, asks the config server about a
// destination the first time it is used (by Host, or by the original destination of a redirected
// connection), waits for the answer, and routes by it. What it holds grows with what it talks to,
// not with the size of the mesh.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EchoServer } from '../../../src/echo/index.js';
import { echoBackends, request, serviceYaml, startEchoes } from '../../support/mesh.js';
import { startOnDemandMesh, type OnDemandMesh } from './on-demand-harness.js';

const FILLER_SERVICES = 100;

function meshYaml(a: EchoServer, b: EchoServer, c: EchoServer): string {
  const fillers = Array.from({ length: FILLER_SERVICES }, (_, i) =>
    serviceYaml({ name: `filler-${i}`, clusterIP: `10.96.1.${i + 1}`, backends: [{ host: '127.0.0.1', port: 9 }] }),
  );
  return [
    serviceYaml({ name: 'echo-a', clusterIP: '10.96.0.10', backends: echoBackends(a) }),
    serviceYaml({ name: 'echo-b', clusterIP: '10.96.0.11', backends: echoBackends(b) }),
    serviceYaml({ name: 'echo-c', clusterIP: '10.96.0.12', backends: echoBackends(c) }),
    // A route on echo-b sends its traffic to echo-c: echo-c comes along as a backend.
    `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: b-to-c}
spec:
  parentRefs: [{group: "", kind: Service, name: echo-b, port: 80}]
  rules:
  - backendRefs: [{name: echo-c, port: 80}]`,
    ...fillers,
  ].join('\n---\n');
}

describe('a sidecar learns services on demand', { timeout: 30_000 }, () => {
  let echoes: EchoServer[] = [];
  let mesh: OnDemandMesh;
  before(async () => {
    echoes = await startEchoes('echo-a', 'echo-b', 'echo-c');
    const [a, b, c] = echoes as [EchoServer, EchoServer, EchoServer];
    mesh = await startOnDemandMesh(meshYaml(a, b, c), { waitMs: 3000 });
  });
  after(async () => {
    await mesh.close();
    await Promise.all(echoes.map((e) => e.close()));
  });

  test('it starts with none of the mesh in its view', async () => {
    assert.deepEqual(await mesh.viewServices(), []);
    assert.equal(mesh.client.known('host:echo-a'), false);
  });

  test('the first request by Host waits for the answer and is routed by it', async () => {
    mesh.setOrigDst(undefined);
    const started = Date.now();
    const first = await request(mesh.port, 'echo-a', '/first');
    assert.equal(first.status, 200);
    assert.equal(first.json?.name, 'echo-a');
    assert.ok(Date.now() - started < 2000, 'answered well before the wait limit');
    assert.equal(mesh.client.known('host:echo-a'), true);
    // The fast path from now on, and the full name resolves the same way (its own destination).
    assert.equal((await request(mesh.port, 'echo-a', '/second')).json?.name, 'echo-a');
    assert.equal((await request(mesh.port, 'echo-a.default.svc.cluster.local', '/')).json?.name, 'echo-a');
  });

  test('a redirected connection is routed by its original destination, learned on first use', async () => {
    // echo-b's route sends to echo-c: the answer brings echo-b and its backend echo-c.
    mesh.setOrigDst({ address: '10.96.0.11', port: 80 });
    try {
      const res = await request(mesh.port, 'whatever.example', '/');
      assert.equal(res.status, 200);
      assert.equal(res.json?.name, 'echo-c');
      assert.equal(mesh.client.known('ip:10.96.0.11'), true);
    } finally {
      mesh.setOrigDst(undefined);
    }
  });

  test('what it holds grows with what it talks to, not with the mesh', async () => {
    const services = await mesh.viewServices();
    assert.deepEqual(services, ['default/echo-a', 'default/echo-b', 'default/echo-c']);
    assert.deepEqual(mesh.client.subscriptions().sort(), ['host:echo-a', 'host:echo-a.default.svc.cluster.local', 'ip:10.96.0.11']);
    // 3 Services, their endpoint sets, 3 destination answers (and `inbound`, which is empty here).
    assert.ok(mesh.client.resourceCount <= 10, `holds ${mesh.client.resourceCount} resources of a mesh of ${FILLER_SERVICES + 3} Services`);
  });

  test('a Host that is no Service passes through after one answer, and is known from then on', async () => {
    const echo = echoes[0] as EchoServer;
    const authority = `127.0.0.1:${echo.address.port}`;
    const res = await request(mesh.port, authority, '/');
    assert.equal(res.status, 200);
    assert.equal(mesh.client.known('ip:127.0.0.1'), true);
    assert.equal((await mesh.viewServices()).length, 3);
  });
});
