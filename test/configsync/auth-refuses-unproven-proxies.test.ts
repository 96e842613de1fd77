// With an authenticator, the config server admits a stream only when the bearer token in its
// metadata speaks for the identity its Hello claims: no or bad token ends it with UNAUTHENTICATED,
// a good token for someone else with PERMISSION_DENIED, an authenticator that cannot tell with
// UNAVAILABLE; each refusal is counted by kind and logged without the token.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { AuthResult, ProxyAuthenticator } from '../../src/configsync/auth.js';
import { newConfigSyncClient, type Delta, type ProxyIdentity, type ServerMessage } from '../../src/configsync/proto.js';
import { claim, fakeJwt, identity } from './auth-fixture.js';
import { configFrom, shopYaml, startServer, type TestServer } from './configsync-fixture.js';

const GOOD = fakeJwt('web-good');
const BAD = fakeJwt('web-bad');

/** Accepts GOOD for web/frontend/frontend-0 only; records every question. */
function recordingAuthenticator(asked: { token: string | undefined; claimed: ProxyIdentity }[], delayMs = 0): ProxyAuthenticator {
  return async (token, claimed): Promise<AuthResult> => {
    asked.push({ token, claimed });
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (token === undefined) return { ok: false, refusal: 'no_token', reason: 'no token at all' };
    if (token === 'explode') throw new Error('reviewer is down');
    if (token !== GOOD) return { ok: false, refusal: 'invalid_token', reason: 'token not accepted' };
    if (claimed.namespace !== 'web' || claimed.serviceAccount !== 'frontend' || claimed.pod !== 'frontend-0') {
      return { ok: false, refusal: 'wrong_identity', reason: 'token is for web/frontend' };
    }
    return { ok: true };
  };
}

async function refusals(t: TestServer): Promise<Record<string, number>> {
  const text = await t.server.registry.metrics();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^sidelane_configsync_auth_refusals_total\{reason="(\w+)"\} (\d+)$/gm)) counts[m[1] ?? ''] = Number(m[2]);
  return counts;
}

async function withAuthServer(
  fn: (t: TestServer, asked: { token: string | undefined; claimed: ProxyIdentity }[]) => Promise<void>,
  options: { delayMs?: number; authCacheMs?: number } = {},
): Promise<void> {
  const asked: { token: string | undefined; claimed: ProxyIdentity }[] = [];
  const t = await startServer({
    authenticate: recordingAuthenticator(asked, options.delayMs),
    ...(options.authCacheMs === undefined ? {} : { authCacheMs: options.authCacheMs }),
  });
  try {
    t.server.publish(configFrom(shopYaml()));
    await fn(t, asked);
  } finally {
    await t.close();
  }
}

const frontend = identity('web', 'frontend', 'frontend-0');

test('a proxy whose token speaks for its claimed identity gets config', async () => {
  await withAuthServer(async (t, asked) => {
    const outcome = await claim(t.port, frontend, { token: GOOD });
    assert.equal(outcome.admitted, true);
    assert.deepEqual(asked, [{ token: GOOD, claimed: frontend }]);
  });
});

test('refusals end the stream with the status of their kind, are counted, and never log the token', async () => {
  await withAuthServer(async (t) => {
    const cases: [string, Parameters<typeof claim>[2], ProxyIdentity, grpc.status, RegExp][] = [
      ['no token', {}, frontend, grpc.status.UNAUTHENTICATED, /no token at all/],
      ['a bad token', { token: BAD }, frontend, grpc.status.UNAUTHENTICATED, /token not accepted/],
      ['a good token, another service account', { token: GOOD }, identity('web', 'admin', 'frontend-0'), grpc.status.PERMISSION_DENIED, /web\/frontend/],
      ['a good token, another namespace', { token: GOOD }, identity('shop', 'frontend', 'frontend-0'), grpc.status.PERMISSION_DENIED, /web\/frontend/],
      ['a reviewer that throws', { token: 'explode' }, frontend, grpc.status.UNAVAILABLE, /reviewer is down/],
      ['a malformed authorization', { authorization: `Basic ${GOOD}` }, frontend, grpc.status.UNAUTHENTICATED, /not "Bearer <token>"/],
    ];
    for (const [what, options, claimed, code, details] of cases) {
      const outcome = await claim(t.port, claimed, options);
      assert.equal(outcome.admitted, false, what);
      assert.equal(outcome.code, code, `${what}: ${grpc.status[outcome.code]} ${outcome.details}`);
      assert.match(outcome.details, details, what);
    }
    assert.deepEqual(await refusals(t), { no_token: 1, invalid_token: 2, wrong_identity: 2, unavailable: 1 });
    assert.equal(t.server.connectedProxies(), 0);
    const refused = t.logs.filter((l) => l.msg === 'config stream refused: proxy not authenticated');
    assert.equal(refused.length, 6);
    assert.deepEqual(refused.map((l) => l.refusal), ['no_token', 'invalid_token', 'wrong_identity', 'wrong_identity', 'unavailable', 'invalid_token']);
    const logText = JSON.stringify(t.logs);
    assert.ok(!logText.includes(GOOD) && !logText.includes(BAD), 'a token appears in the log');
  });
});

test('verdicts are reused per token and claim, but "could not tell" is asked again', async () => {
  await withAuthServer(async (t, asked) => {
    assert.equal((await claim(t.port, frontend, { token: GOOD })).admitted, true);
    assert.equal((await claim(t.port, frontend, { token: GOOD })).admitted, true);
    assert.equal(asked.length, 1, 'the second stream with the same token and claim was reviewed again');
    assert.equal((await claim(t.port, frontend, { token: BAD })).admitted, false);
    assert.equal((await claim(t.port, frontend, { token: BAD })).admitted, false);
    assert.equal(asked.length, 2, 'a refusal is remembered too');
    assert.deepEqual((await refusals(t)).invalid_token, 2, 'each refused stream is counted, remembered or not');
    assert.equal((await claim(t.port, identity('web', 'frontend', 'frontend-1'), { token: GOOD })).admitted, false);
    assert.equal(asked.length, 3, 'another claim with the same token is a new question');
    await claim(t.port, frontend, { token: 'explode' });
    await claim(t.port, frontend, { token: 'explode' });
    assert.equal(asked.length, 5);
    await claim(t.port, frontend, {});
    await claim(t.port, frontend, {});
    assert.equal(asked.length, 7, 'no token: nothing to remember by');
  });
});

test('streams arriving together with one token wait for one review', async () => {
  await withAuthServer(async (t, asked) => {
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => claim(t.port, frontend, { token: GOOD })));
    assert.deepEqual(outcomes.map((o) => o.admitted), [true, true, true, true, true]);
    assert.equal(asked.length, 1);
  }, { delayMs: 100 });
});

test('authCacheMs 0 reviews every stream', async () => {
  await withAuthServer(async (t, asked) => {
    await claim(t.port, frontend, { token: GOOD });
    await claim(t.port, frontend, { token: GOOD });
    assert.equal(asked.length, 2);
  }, { authCacheMs: 0 });
});

test('what a proxy sends while its token is reviewed is handled after it is admitted', async () => {
  await withAuthServer(async (t) => {
    const client = newConfigSyncClient(`127.0.0.1:${t.port}`);
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${GOOD}`);
    const call = client.Stream(metadata);
    const deltas: Delta[] = [];
    call.on('data', (m: ServerMessage) => { if (m.message === 'delta') deltas.push(m.delta); });
    call.on('error', () => undefined);
    try {
      // The subscription arrives before the verdict: it waits for it instead of counting as a
      // message before hello; the first delta (the version) is ACKed, the next one answers it.
      call.write({ hello: { identity: frontend, proxyVersion: 'test' } });
      call.write({ subscribe: { destinations: ['ip:10.96.0.10'] } });
      await until(() => deltas.length >= 1);
      const first = deltas[0];
      assert.ok(first);
      call.write({ ack: { nonce: first.nonce, version: first.version } });
      await until(() => deltas.length >= 2);
      assert.ok(deltas[1]?.resources.some((r) => r.name === 'destination/ip:10.96.0.10'));
    } finally {
      call.cancel();
      client.close();
    }
  }, { delayMs: 150 });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('without an authenticator nothing changes: no token needed, no refusal metric', async () => {
  const t = await startServer();
  try {
    t.server.publish(configFrom(shopYaml()));
    assert.equal((await claim(t.port, frontend)).admitted, true);
    assert.doesNotMatch(await t.server.registry.metrics(), /auth_refusals/);
  } finally {
    await t.close();
  }
});
