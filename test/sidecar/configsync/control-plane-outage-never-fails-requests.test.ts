// A control-plane outage: the proxy keeps serving the config it has (known destinations keep
// working), a destination it has never seen goes through at once instead of waiting for an answer
// that cannot come, and when a config server is back on the address the proxy reconnects (with
// backoff) and resyncs, so later changes reach it again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EchoServer } from '../../../src/echo/index.js';
import { echoBackends, request, serviceYaml, startEchoes } from '../../support/mesh.js';
import { eventually, startOnDemandMesh } from './on-demand-harness.js';

const WAIT_MS = 3000;

function meshYaml(a: EchoServer, b: EchoServer, routeToB: boolean): string {
  return [
    serviceYaml({ name: 'echo-a', clusterIP: '10.96.0.10', backends: echoBackends(a) }),
    serviceYaml({ name: 'echo-b', clusterIP: '10.96.0.11', backends: echoBackends(b) }),
    ...(routeToB
      ? [
          `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: a-to-b}
spec:
  parentRefs: [{group: "", kind: Service, name: echo-a, port: 80}]
  rules:
  - backendRefs: [{name: echo-b, port: 80}]`,
        ]
      : []),
  ].join('\n---\n');
}

test('an outage keeps known destinations working, does not hold up new ones, and ends with a resync', { timeout: 30_000 }, async () => {
  const echoes = await startEchoes('echo-a', 'echo-b');
  const [a, b] = echoes as [EchoServer, EchoServer];
  const mesh = await startOnDemandMesh(meshYaml(a, b, false), { waitMs: WAIT_MS });
  try {
    assert.equal((await request(mesh.port, 'echo-a', '/')).json?.name, 'echo-a');
    const version = mesh.sidecar.version;

    await mesh.stopServer();
    await eventually(() => !mesh.client.connected, 5000, 'the client to notice the outage');
    for (let i = 0; i < 5; i++) {
      const res = await request(mesh.port, 'echo-a', `/during-outage/${i}`);
      assert.equal(res.status, 200);
      assert.equal(res.json?.name, 'echo-a');
    }
    assert.equal(mesh.sidecar.version, version, 'nothing was cleared on disconnect');

    // Never seen before: no answer can come, so no waiting (WAIT_MS would show).
    let started = Date.now();
    const byHost = await request(mesh.port, `localhost:${b.address.port}`, '/');
    assert.equal(byHost.status, 200);
    assert.ok(Date.now() - started < WAIT_MS / 3, `by Host took ${Date.now() - started} ms`);
    mesh.setOrigDst({ address: '127.0.0.1', port: b.address.port });
    try {
      started = Date.now();
      const byAddress = await request(mesh.port, 'anything', '/');
      assert.equal(byAddress.status, 200);
      assert.ok(Date.now() - started < WAIT_MS / 3, `by original destination took ${Date.now() - started} ms`);
    } finally {
      mesh.setOrigDst(undefined);
    }

    // Back on the same address, with a changed config: the proxy reconnects and gets it.
    await mesh.publish(meshYaml(a, b, true)); // kept for the next server: the stopped one ignores it
    await mesh.startServer();
    await eventually(() => mesh.client.connected && mesh.server.connectedProxies() === 1, 5000, 'the client to reconnect');
    await eventually(() => mesh.sidecar.version !== version, 5000, 'the changed config to arrive');
    assert.equal((await request(mesh.port, 'echo-a', '/after')).json?.name, 'echo-b');
    // Its subscriptions came back with it (those made during the outage included).
    assert.deepEqual(mesh.client.subscriptions().sort(), ['host:echo-a', 'host:localhost', 'ip:127.0.0.1']);
    assert.deepEqual(await mesh.viewServices(), ['default/echo-a', 'default/echo-b']);
  } finally {
    await mesh.close();
    await Promise.all(echoes.map((e) => e.close()));
  }
});
