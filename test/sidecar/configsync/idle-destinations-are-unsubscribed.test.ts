// A destination the proxy stops using is unsubscribed after idleMs, and the server takes its
// resources away, so a proxy's config shrinks back; one in use (every request marks it, on a
// kept-alive connection too) stays. Using a dropped destination again asks for it again.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import type { EchoServer } from '../../../src/echo/index.js';
import { echoBackends, request, serviceYaml, startEchoes } from '../../support/mesh.js';
import { eventually, startOnDemandMesh } from './on-demand-harness.js';

const IDLE_MS = 300;

test('unused destinations are dropped after idleMs, used ones stay', { timeout: 20_000 }, async () => {
  const echoes = await startEchoes('echo-a', 'echo-b');
  const [a, b] = echoes as [EchoServer, EchoServer];
  const manifests = [
    serviceYaml({ name: 'echo-a', backends: echoBackends(a) }),
    serviceYaml({ name: 'echo-b', backends: echoBackends(b) }),
  ].join('\n---\n');
  const mesh = await startOnDemandMesh(manifests, { idleMs: IDLE_MS });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    assert.equal((await request(mesh.port, 'echo-a', '/')).json?.name, 'echo-a');
    assert.equal((await request(mesh.port, 'echo-b', '/', { agent })).json?.name, 'echo-b');
    assert.deepEqual(await mesh.viewServices(), ['default/echo-a', 'default/echo-b']);

    // echo-b stays in use (on one kept-alive connection); echo-a is left alone.
    const started = Date.now();
    while (Date.now() - started < IDLE_MS * 3) {
      assert.equal((await request(mesh.port, 'echo-b', '/', { agent })).json?.name, 'echo-b');
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS / 5));
    }
    await eventually(async () => (await mesh.viewServices()).join() === 'default/echo-b', 2000, 'echo-a to leave the config');
    assert.deepEqual(mesh.client.subscriptions(), ['host:echo-b']);

    // Asked again on next use.
    assert.equal((await request(mesh.port, 'echo-a', '/again')).json?.name, 'echo-a');
    assert.deepEqual(mesh.client.subscriptions().sort(), ['host:echo-a', 'host:echo-b']);
  } finally {
    agent.destroy();
    await mesh.close();
    await Promise.all(echoes.map((e) => e.close()));
  }
});
