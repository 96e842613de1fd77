// The discovery cache behind the data path's hook: a new destination is subscribed once and its
// first users wait until the answer, the wait limit, or a disconnect, whichever comes first;
// afterwards known() is the synchronous fast path. Idle ones are unsubscribed, only while connected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DestinationCache, destinationOf } from '../../../sidecar/configsync/discovery.js';

function cache(options: { connected?: boolean; waitMs?: number; idleMs?: number } = {}) {
  let connected = options.connected ?? true;
  let now = 0;
  const subscribed: string[][] = [];
  const unsubscribed: string[][] = [];
  const destinations = new DestinationCache({
    waitMs: options.waitMs ?? 5000,
    idleMs: options.idleMs ?? 1000,
    connected: () => connected,
    subscribe: (d) => subscribed.push(d),
    unsubscribe: (d) => unsubscribed.push(d),
    now: () => now,
  });
  return {
    destinations,
    subscribed,
    unsubscribed,
    setConnected: (value: boolean) => { connected = value; },
    advance: (ms: number) => { now += ms; },
  };
}

/** Whether the promise settled within a macrotask turn. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

test('lookups in one tick share one Subscribe and wait for the answer', async () => {
  const c = cache();
  assert.equal(c.destinations.known('host:a'), false);
  const first = c.destinations.ensure('host:a');
  const second = c.destinations.ensure('host:a');
  const other = c.destinations.ensure('ip:10.0.0.1');
  assert.equal(await settled(first), false);
  assert.deepEqual(c.subscribed, [['host:a', 'ip:10.0.0.1']]);
  assert.equal(c.destinations.known('host:a'), false, 'not known while its answer is awaited');
  c.destinations.answered('host:a');
  assert.equal(await settled(first), true);
  assert.equal(await settled(second), true);
  assert.equal(await settled(other), false);
  assert.equal(c.destinations.known('host:a'), true);
  c.destinations.stop();
  assert.equal(await settled(other), true, 'stop releases every waiter');
});

test('no answer within waitMs: the lookup goes ahead and the destination counts as known', async () => {
  const c = cache({ waitMs: 30 });
  const started = Date.now();
  await c.destinations.ensure('host:slow');
  assert.ok(Date.now() - started >= 25);
  assert.equal(c.destinations.known('host:slow'), true);
  c.destinations.stop();
});

test('while disconnected nobody waits; a disconnect releases those who do', async () => {
  const c = cache({ connected: false });
  assert.equal(await settled(c.destinations.ensure('host:a')), true);
  c.setConnected(true);
  const waiting = c.destinations.ensure('host:b');
  assert.equal(await settled(waiting), false);
  c.setConnected(false);
  c.destinations.releaseAll();
  assert.equal(await settled(waiting), true);
  assert.deepEqual(c.destinations.destinations(), ['host:a', 'host:b'], 'both stay subscribed for the next hello');
  c.destinations.stop();
});

test('idle destinations are unsubscribed; used ones stay; nothing is dropped while disconnected', async () => {
  const c = cache({ idleMs: 1000 });
  for (const d of ['host:a', 'host:b']) {
    const wait = c.destinations.ensure(d);
    c.destinations.answered(d);
    await wait;
  }
  c.advance(600);
  assert.equal(c.destinations.known('host:b'), true);
  c.advance(600);
  c.setConnected(false);
  c.destinations.sweep();
  assert.deepEqual(c.unsubscribed, []);
  c.setConnected(true);
  c.destinations.sweep();
  assert.deepEqual(c.unsubscribed, [['host:a']]);
  assert.deepEqual(c.destinations.destinations(), ['host:b']);
  assert.equal(c.destinations.known('host:a'), false);
  c.destinations.stop();
});

test('destination names: the original destination by address, else the Host without port', () => {
  assert.equal(destinationOf({ address: '::ffff:10.96.0.1', port: 80 }, 'ignored'), 'ip:10.96.0.1');
  assert.equal(destinationOf(undefined, 'Reviews.Default:9080'), 'host:reviews.default');
  assert.equal(destinationOf(undefined, 'reviews.default.svc.cluster.local.'), 'host:reviews.default.svc.cluster.local');
  assert.equal(destinationOf(undefined, '10.96.0.1:80'), 'ip:10.96.0.1');
  assert.equal(destinationOf(undefined, '[fd00::0:1]:8080'), 'ip:fd00::1');
  assert.equal(destinationOf(undefined, 'name:notaport'), undefined);
  assert.equal(destinationOf(undefined, ''), undefined);
});
