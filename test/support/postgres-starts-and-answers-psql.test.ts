import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { startPostgres } from './postgres.js';

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => { resolve(false); });
  });
}

test('a fresh PostgreSQL starts in under 10 s, answers psql over TCP on 127.0.0.1, and stop() removes it', { timeout: 30_000 }, async () => {
  const started = Date.now();
  const pg = await startPostgres();
  let stopped = false;
  try {
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms to start`);
    assert.equal(pg.host, '127.0.0.1');
    const one = await pg.psql(['-At', '-c', 'select 1']);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout.trim(), '1');
    // What a user types, with the psql on PATH.
    const typed = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(pg.port), '-U', pg.user, '-d', pg.database, '-w', '-c', 'select 1'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(typed.status, 0, typed.stderr);
    assert.match(typed.stdout, /^\s*1$/m);
    // The connection really is TCP (a unix socket would report no address) and as the given user.
    const who = await pg.psql(['-At', '-c', "select host(inet_server_addr()) || ' ' || inet_server_port() || ' ' || current_user || ' ' || current_database()"]);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.stdout.trim(), `127.0.0.1 ${pg.port} ${pg.user} ${pg.database}`);
    // Errors come back as a failing exit code, not as a quiet success.
    const bad = await pg.psql(['-c', 'select * from no_such_table']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /no_such_table/);

    const dataDir = await pg.psql(['-At', '-c', 'show data_directory']);
    assert.equal(dataDir.code, 0, dataDir.stderr);
    await pg.stop();
    stopped = true;
    assert.equal(await connects('127.0.0.1', pg.port), false, 'still listening after stop()');
    assert.equal(existsSync(dataDir.stdout.trim()), false, 'data directory left behind');
  } finally {
    if (!stopped) await pg.stop();
  }
});
