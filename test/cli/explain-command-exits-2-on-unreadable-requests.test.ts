// The `explain` subcommand: an unreadable request or output format is a usage error (exit 2)
// with a message on stderr, before any manifest is read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerExplainCommand } from '../../src/cli/explain-command.js';
import type { CliIo } from '../../src/cli/io.js';

async function run(args: string[]): Promise<{ code: number | undefined; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  let code: number | undefined;
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), exitCode: (c) => (code = c) };
  const program = new Command('sidelane').exitOverride();
  registerExplainCommand(program, io);
  await program.parseAsync(['explain', ...args], { from: 'user' });
  return { code, out, err };
}

test('a bad URL exits 2 with the reason', async () => {
  const r = await run(['-f', '/nonexistent', 'ftp://reviews/']);
  assert.equal(r.code, 2);
  assert.deepEqual(r.err, ['error: cannot read the request: unsupported scheme "ftp": use http or https']);
  assert.deepEqual(r.out, []);
});

test('a bad header given as an option exits 2', async () => {
  const r = await run(['-f', '/nonexistent', 'http://reviews/', '-H', 'nocolon']);
  assert.equal(r.code, 2);
  assert.match(r.err[0] ?? '', /header "nocolon" is not name:value/);
});

test('an unknown output format exits 2', async () => {
  const r = await run(['-f', '/nonexistent', '-o', 'xml', 'http://reviews/']);
  assert.equal(r.code, 2);
  assert.match(r.err[0] ?? '', /--output must be one of text, yaml, json/);
});
