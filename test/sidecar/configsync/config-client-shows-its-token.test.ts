// With a token file, the config client sends `authorization: Bearer <token>` read from the file at
// every (re)connect, so a rotated token is used on the next stream. A missing file is logged once
// and the stream opens without a token (the server says why it refuses); a refusal is logged with
// the server's message and retried with backoff. No log line holds a token.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { ConfigServer } from '../../../src/configsync/server.js';
import { ConfigClient } from '../../../sidecar/configsync/client.js';
import { configFrom, shopYaml } from '../../configsync/configsync-fixture.js';
import { eventually } from './on-demand-harness.js';

const TOKEN_A = 'token-a.payload.signature';
const TOKEN_B = 'token-b.payload.signature';
const TOKEN_C = 'token-c.payload.signature';

function capture(): { lines: Record<string, unknown>[]; sink: Writable } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, sink };
}

/** A config server that admits TOKEN_B and TOKEN_C only and records the token of every stream. */
async function startServer(seen: (string | undefined)[], port = 0): Promise<{ server: ConfigServer; port: number }> {
  const server = new ConfigServer({
    log: pino({ level: 'silent' }),
    closeGraceMs: 100,
    authenticate: (token) => {
      seen.push(token);
      if (token === undefined) return Promise.resolve({ ok: false, refusal: 'no_token', reason: 'no token on the stream' });
      if (token !== TOKEN_B && token !== TOKEN_C) return Promise.resolve({ ok: false, refusal: 'invalid_token', reason: 'token expired, says the test' });
      return Promise.resolve({ ok: true });
    },
  });
  server.publish(configFrom(shopYaml()));
  const bound = await server.listen(`127.0.0.1:${port}`);
  return { server, port: bound.port };
}

test('the client shows the token in its file, reading it again at every connect', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-token-'));
  const tokenFile = join(dir, 'token');
  const seen: (string | undefined)[] = [];
  const first = await startServer(seen);
  const port = first.port;
  let server = first.server;
  const { lines, sink } = capture();
  const client = new ConfigClient({
    targets: [`127.0.0.1:${port}`],
    identity: { pod: 'frontend-0', namespace: 'web', serviceAccount: 'frontend', node: 'n', podIps: [], kind: 'sidecar' },
    apply: (_ir, version) => ({ applied: true, version }),
    log: pino({ level: 'debug' }, sink),
    backoff: { baseMs: 20, maxMs: 60 },
    tokenFile,
  });
  try {
    // No file yet: streams go out without a token and are refused; the file problem is logged once.
    client.start();
    await eventually(() => seen.length >= 3, 5000, 'three refused attempts without a token');
    assert.deepEqual(new Set(seen), new Set([undefined]));
    assert.equal(lines.filter((l) => l.msg === 'config stream token unreadable; connecting without it').length, 1);
    const refused = lines.find((l) => l.msg === 'config stream refused by the control plane');
    assert.equal(refused?.code, 'UNAUTHENTICATED');
    assert.equal(refused.reason, 'no token on the stream');
    assert.equal(client.connected, false);

    // A token the server refuses: read at the next attempt, refused with the server's message.
    await writeFile(tokenFile, `${TOKEN_A}\n`);
    await eventually(() => seen.includes(TOKEN_A), 5000, 'the token to be read from the new file');
    await eventually(() => lines.some((l) => l.msg === 'config stream refused by the control plane' && l.reason === 'token expired, says the test'), 5000, 'the refusal to be logged');

    // The kubelet rotates the token: the next attempt uses the new one and gets config.
    await writeFile(tokenFile, TOKEN_B);
    assert.equal(await client.whenApplied(5000), true);
    assert.equal(seen[seen.length - 1], TOKEN_B);

    // Rotated again while connected: the current stream stays; a reconnect shows the new token.
    await writeFile(tokenFile, TOKEN_C);
    await server.close();
    ({ server } = await startServer(seen, port));
    await eventually(() => seen[seen.length - 1] === TOKEN_C && client.connected, 5000, 'a reconnect with the rotated token');

    const logText = JSON.stringify(lines);
    for (const token of [TOKEN_A, TOKEN_B, TOKEN_C]) assert.ok(!logText.includes(token), `${token} appears in the client's log`);
  } finally {
    await client.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
