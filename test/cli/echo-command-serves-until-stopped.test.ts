// `sidelane echo` prints where it listens, logs one JSON line per request to stdout, closes when
// told to stop, and refuses a bad --listen with exit code 2.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runEcho } from '../../src/cli/echo-command.js';
import type { CliIo } from '../../src/cli/io.js';

function captureIo(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (t) => lines.push(t), err: (t) => errors.push(t), exitCode: () => undefined };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('echo listens, answers with its name, logs the request and stops', { timeout: 10_000 }, async () => {
  const io = captureIo();
  const stop = new AbortController();
  const running = runEcho({ name: 'pod-7', listen: '127.0.0.1:0' }, io, stop.signal);
  try {
    await until(() => io.lines.length > 0);
    const url = /^echo pod-7 listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(io.lines[0] ?? '')?.[1];
    assert.ok(url, io.lines[0]);
    const answer = (await (await fetch(`${url}/hello`)).json()) as { name: string; path: string };
    assert.deepEqual([answer.name, answer.path], ['pod-7', '/hello']);
    await until(() => io.lines.length > 1);
    const line = JSON.parse(io.lines[1] ?? '') as { event: string; path: string; status: number };
    assert.deepEqual([line.event, line.path, line.status], ['request', '/hello', 200]);
  } finally {
    stop.abort();
  }
  assert.equal(await running, 0);
});

test('a bad --listen exits 2 with the reason', async () => {
  const io = captureIo();
  assert.equal(await runEcho({ name: 'x', listen: 'nowhere' }, io), 2);
  assert.match(io.errors[0] ?? '', /error: listen address "nowhere"/);
});
