// The proxy keeps upstream connections alive and reuses them: many requests cost few connections
// to the backend, whether the clients reuse their own connections or open a new one per request.
// Counted at the backend (the distinct client ports its requests came from).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { request, startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, within } from '../../support/peers.js';

test('50 sequential requests, each on a new client connection, share one upstream connection', { timeout: 20_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    for (let i = 0; i < 50; i++) {
      const answer = await within(request(mesh.port, 'svc', `/seq/${i}`), 5000, `request ${i}`);
      assert.equal(answer.status, 200);
    }
    assert.equal(echo.log.length, 50);
    assert.equal(echo.connections(), 1);
  } finally {
    await peers.close();
  }
});

test('200 requests from 10 concurrent keep-alive clients use at most 10 upstream connections', { timeout: 20_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    peers.onClose(() => {
      agent.destroy();
    });
    const get = (i: number): Promise<number> =>
      new Promise((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: mesh.port, path: `/c/${i}`, headers: { host: 'svc' }, agent }, (res) => {
            res.resume();
            res.on('end', () => { resolve(res.statusCode ?? 0); });
          })
          .on('error', reject);
      });
    const statuses = await within(Promise.all(Array.from({ length: 200 }, (_, i) => get(i))), 15_000, '200 requests');
    assert.ok(statuses.every((s) => s === 200));
    assert.equal(echo.log.length, 200);
    assert.ok(echo.connections() <= 10, `${echo.connections()} upstream connections for 10 concurrent clients`);
  } finally {
    await peers.close();
  }
});

test('100 concurrent h2c streams to an h2c port share one upstream HTTP/2 connection', { timeout: 20_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', portName: 'h2c', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    const session = peers.h2c(mesh.port);
    const get = (i: number): Promise<number> =>
      new Promise((resolve, reject) => {
        const stream = session.request({ ':path': `/h2/${i}`, ':authority': 'svc' });
        stream.end();
        let status = 0;
        stream.on('response', (h) => (status = Number(h[':status'])));
        stream.resume();
        stream.on('end', () => { resolve(status); });
        stream.on('error', reject);
      });
    const statuses = await within(Promise.all(Array.from({ length: 100 }, (_, i) => get(i))), 15_000, '100 streams');
    assert.ok(statuses.every((s) => s === 200));
    assert.equal(echo.connections(), 1);
  } finally {
    await peers.close();
  }
});
