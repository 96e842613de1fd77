// The gate remembers a verdict for at most its cache time and never past the token's `exp`, keeps
// a bounded number of them (oldest out first), and does not remember "could not tell".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { AuthGate } from '../../src/configsync/auth-gate.js';
import type { AuthResult } from '../../src/configsync/auth.js';
import { fakeJwt, identity } from './auth-fixture.js';

const claimed = identity('web', 'frontend', 'frontend-0');

function bearer(token: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

function gate(options: { cacheMs?: number; cacheSize?: number; answer?: () => AuthResult } = {}): { gate: AuthGate; asked: () => number; clock: { now: number } } {
  let asked = 0;
  const clock = { now: 1_000_000_000_000 };
  const g = new AuthGate({
    authenticate: () => {
      asked++;
      return Promise.resolve(options.answer?.() ?? { ok: true });
    },
    registry: new Registry(),
    now: () => clock.now,
    ...(options.cacheMs === undefined ? {} : { cacheMs: options.cacheMs }),
    ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
  });
  return { gate: g, asked: () => asked, clock };
}

test('a verdict is reused for the cache time, then asked again', async () => {
  const { gate: g, asked, clock } = gate({ cacheMs: 60_000 });
  const token = fakeJwt('a', clock.now / 1000 + 3600);
  await g.admit(bearer(token), claimed);
  clock.now += 59_000;
  await g.admit(bearer(token), claimed);
  assert.equal(asked(), 1);
  clock.now += 2_000;
  await g.admit(bearer(token), claimed);
  assert.equal(asked(), 2);
});

test('a verdict never outlives the token it is about', async () => {
  const { gate: g, asked, clock } = gate({ cacheMs: 60_000 });
  const token = fakeJwt('a', clock.now / 1000 + 10);
  await g.admit(bearer(token), claimed);
  clock.now += 9_000;
  await g.admit(bearer(token), claimed);
  assert.equal(asked(), 1);
  clock.now += 2_000;
  await g.admit(bearer(token), claimed);
  assert.equal(asked(), 2);
  // An expired token's verdict is not remembered at all.
  await g.admit(bearer(token), claimed);
  assert.equal(asked(), 3);
  assert.equal(g.cached, 0);
});

test('the cache keeps at most cacheSize verdicts, dropping the oldest', async () => {
  const { gate: g, asked } = gate({ cacheSize: 3 });
  for (const name of ['a', 'b', 'c', 'd']) await g.admit(bearer(fakeJwt(name)), claimed);
  assert.equal(g.cached, 3);
  assert.equal(asked(), 4);
  await g.admit(bearer(fakeJwt('d')), claimed);
  assert.equal(asked(), 4, 'd is still remembered');
  await g.admit(bearer(fakeJwt('a')), claimed);
  assert.equal(asked(), 5, 'a was dropped');
});

test('"unavailable" is not remembered; a missing refusal kind counts as invalid_token', async () => {
  let answer: AuthResult = { ok: false, refusal: 'unavailable', reason: 'API server down' };
  const { gate: g, asked } = gate({ answer: () => answer });
  const token = fakeJwt('a');
  assert.deepEqual(await g.admit(bearer(token), claimed), { ok: false, refusal: 'unavailable', reason: 'API server down' });
  answer = { ok: false, reason: 'nope' };
  assert.deepEqual(await g.admit(bearer(token), claimed), { ok: false, refusal: 'invalid_token', reason: 'nope' });
  assert.equal(asked(), 2);
  assert.equal(g.cached, 1);
});
