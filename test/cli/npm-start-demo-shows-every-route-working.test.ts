// `npm start` runs `sidelane demo`: the local mesh on examples/demo with echo backends. `--once`
// runs the same checks the demo prints and exits, so this is what a new user sees on day one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

test('sidelane demo --once shows the weighted split, header match, redirect and gRPC route working', async () => {
  const child = spawn(process.execPath, ['bin/sidelane.js', 'demo', '--once', '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, `demo failed:\n${stdout}\n${stderr}`);
  for (const title of ['weighted split', 'header match', 'redirect', 'gRPC route']) {
    assert.match(stdout, new RegExp(`✔ ${title}`), `missing a passing "${title}" check:\n${stdout}`);
  }
  assert.match(stdout, /Location: http:\/\/reviews\/new\/page\?x=1/);
  assert.match(stdout, /\$ curl -s --connect-to ::127\.0\.0\.1:\d+ -H 'x-version: v2' http:\/\/reviews\//);
});
