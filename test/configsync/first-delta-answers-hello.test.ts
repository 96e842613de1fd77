// The first delta on a stream tells the proxy the served version, even when it brings no
// resources; a proxy that connects before anything is published gets it with the first publish.
// A stream that does not start with hello is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { configFrom, RawProxy, shopYaml, withServer } from './configsync-fixture.js';

test('a proxy connected before the first publish gets its first delta with it', async () => {
  await withServer(async (t, connect) => {
    const proxy = connect('web');
    await proxy.noDelta(150);
    assert.equal(t.server.connectedProxies(), 1);
    const config = configFrom(shopYaml());
    t.server.publish(config);
    const delta = await proxy.nextDelta();
    assert.equal(delta.version, config.version);
    assert.equal(delta.clusterDomain, 'cluster.local');
    assert.equal(delta.controller, 'replica-a');
    assert.deepEqual(delta.resources, []);
    assert.deepEqual(delta.removed, []);
    assert.notEqual(delta.nonce, '');
  });
});

test('a proxy connecting after a publish gets an empty delta with the version at once', async () => {
  await withServer(async (t, connect) => {
    const config = configFrom(shopYaml());
    t.server.publish(config);
    t.server.publish(config); // same version: a no-op
    const proxy = connect('web');
    const delta = await proxy.nextDelta();
    assert.equal(delta.version, config.version);
    assert.deepEqual(delta.resources, []);
    proxy.ack(delta);
    await proxy.noDelta();
    assert.equal(await t.metric('sidelane_configsync_connected_proxies'), 1);
    assert.equal(await t.metric('sidelane_configsync_pushes_total'), 1);
    const text = await t.server.registry.metrics();
    assert.match(text, new RegExp(`sidelane_configsync_config_version_info\\{version="${config.version}"\\} 1`));
  });
});

test('the version info gauge shows only the current version', async () => {
  await withServer(async (t) => {
    const first = configFrom(shopYaml());
    const second = configFrom(shopYaml({ cartV1Endpoint: '10.244.0.99' }));
    t.server.publish(first);
    t.server.publish(second);
    const lines = (await t.server.registry.metrics()).split('\n').filter((l) => l.startsWith('sidelane_configsync_config_version_info{'));
    assert.deepEqual(lines, [`sidelane_configsync_config_version_info{version="${second.version}"} 1`]);
  });
});

test('a stream whose first message is not hello ends with INVALID_ARGUMENT', async () => {
  await withServer(async (t) => {
    t.server.publish(configFrom(shopYaml()));
    const proxy = new RawProxy(t.port);
    try {
      proxy.send({ subscribe: { destinations: ['ip:10.96.0.10'] } });
      const status = await proxy.status;
      assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
      assert.match(status.details, /first message .* must be hello/);
      assert.equal(t.server.connectedProxies(), 0);
    } finally {
      proxy.close();
    }
  });
});

test('a hello without a namespace is refused', async () => {
  await withServer(async (t) => {
    const proxy = new RawProxy(t.port);
    try {
      proxy.send({ hello: { identity: { pod: 'p' } } });
      const status = await proxy.status;
      assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
    } finally {
      proxy.close();
    }
  });
});
