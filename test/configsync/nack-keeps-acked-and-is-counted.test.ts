// A NACK means the proxy kept its last good config: the server logs who refused what and why,
// counts it, does not resend the same delta, and diffs the next change against what the proxy
// really holds. ACKs or NACKs for a nonce not in flight are ignored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configFrom, names, shopYaml, withServer } from './configsync-fixture.js';

test('a NACK keeps the acked state, is logged with the proxy and reason, and is counted', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const proxy = connect('web');
    const first = await proxy.nextDelta();
    proxy.ack(first);
    proxy.send({ subscribe: { destinations: ['ip:10.96.0.10'] } });
    const refused = await proxy.nextDelta();
    proxy.send({ nack: { nonce: refused.nonce, reason: 'unsupported filter', version: first.version } });
    await proxy.noDelta();
    assert.equal(await t.metric('sidelane_configsync_nacks_total'), 1);
    assert.equal(await t.metric('sidelane_configsync_acks_total'), 1);
    const warning = t.logs.find((l) => l.reason === 'unsupported filter');
    assert.ok(warning, 'the NACK is logged with its reason');
    assert.equal(warning.level, 40);
    assert.deepEqual(warning.proxy, { pod: 'web-pod', namespace: 'web', node: 'node-1', kind: 'sidecar' });

    // A version that changes nothing for this proxy does not bring the refused delta back.
    t.server.publish(configFrom(shopYaml({ batchBackend: 'cart-v2' })));
    await proxy.noDelta();
    // The next change that concerns it is diffed against what it holds: the refused resources come again.
    t.server.publish(configFrom(shopYaml({ cartV1Endpoint: '10.244.0.21' })));
    const retry = await proxy.nextDelta();
    assert.deepEqual(names(retry), names(refused));
    assert.deepEqual(retry.removed, []);
  });
});

test('an ACK or NACK with an unknown nonce is ignored', async () => {
  await withServer(async (t, connect) => {
    t.server.publish(configFrom(shopYaml()));
    const proxy = connect('web');
    const first = await proxy.nextDelta();
    proxy.send({ ack: { nonce: 'not-a-nonce', version: first.version } });
    proxy.send({ nack: { nonce: 'not-a-nonce', reason: 'x', version: first.version } });
    proxy.send({ subscribe: { destinations: ['ip:10.96.0.10'] } });
    await proxy.noDelta(150);
    assert.equal(await t.metric('sidelane_configsync_acks_total'), 0);
    assert.equal(await t.metric('sidelane_configsync_nacks_total'), 0);
    proxy.ack(first);
    assert.ok(names(await proxy.nextDelta()).includes('service/shop/cart'));
    assert.ok(t.logs.some((l) => l.level === 20 && typeof l.msg === 'string' && l.msg.includes('unknown nonce')));
  });
});
