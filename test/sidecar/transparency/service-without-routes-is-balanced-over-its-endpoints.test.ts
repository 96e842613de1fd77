// A Service no route is attached to behaves as without a mesh: its requests are spread over the
// ready endpoints (as kube-proxy would), not pinned to one, and endpoints that are not ready get none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, startTestMesh, serviceYaml, type EchoReply } from '../../support/mesh.js';
import { Peers } from '../../support/peers.js';

test('round-robin: 60 requests over 3 endpoints give 20 each', { timeout: 20_000 }, async () => {
  const peers = new Peers();
  try {
    const echoes = await Promise.all(['a', 'b', 'c'].map((n) => peers.echo(n)));
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: echoes.map((e) => e.address) }), { balancer: 'round-robin' });
    peers.onClose(() => mesh.close());
    for (let i = 0; i < 60; i++) assert.equal((await request(mesh.port, 'svc', '/')).status, 200);
    assert.deepEqual(echoes.map((e) => e.requests), [20, 20, 20]);
  } finally {
    await peers.close();
  }
});

test('the default balancer reaches every ready endpoint and never a not-ready one', { timeout: 20_000 }, async () => {
  const peers = new Peers();
  try {
    const echoes = await Promise.all(['a', 'b', 'c', 'not-ready'].map((n) => peers.echo(n)));
    const backends = echoes.map((e) => ({ ...e.address, ready: e.name !== 'not-ready' }));
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends }));
    peers.onClose(() => mesh.close());
    const names = new Map<string, number>();
    // Power of two choices over idle endpoints is a uniform pick: 90 requests miss one of three
    // endpoints with probability 3·(2/3)^90 ≈ 5e-16.
    for (let i = 0; i < 90; i++) {
      const answer = await request(mesh.port, 'svc', '/');
      const name = (answer.json as EchoReply).name;
      names.set(name, (names.get(name) ?? 0) + 1);
    }
    assert.deepEqual([...names.keys()].sort(), ['a', 'b', 'c']);
  } finally {
    await peers.close();
  }
});
