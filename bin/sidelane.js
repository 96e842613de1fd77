#!/usr/bin/env node
// Entry point of the `sidelane` command. A built tree (npm run build → dist/) runs as plain
// JavaScript; a source checkout runs the TypeScript directly through tsx (ADR 0001).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
