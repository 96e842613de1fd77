// Runs every test file under test/ with Node's built-in runner. Node 20 does not expand globs
// given to --test (21+ does), so the files are listed here. Extra arguments are passed through,
// e.g. `npm run test:unit -- --test-name-pattern=golden`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = 'test';
const files = readdirSync(root, { recursive: true, withFileTypes: false })
  .map((f) => join(root, String(f)))
  .filter((f) => f.endsWith('.test.ts'))
  .sort();
if (files.length === 0) {
  console.error('no test files found under test/');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...process.argv.slice(2), ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
