// The folder rules of DESIGN.md are enforced by eslint.config.js, not by good intentions. These
// tests lint small snippets as if they lived in a given folder and check what gets reported, so a
// config change that silently disables a boundary fails here.
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// The snippets are not files of the tsconfig project, so type-aware rules are switched off; every
// rule under test here is syntactic (boundaries, restricted imports/globals/syntax).
const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfig: [tseslint.configs.disableTypeChecked],
});

interface Finding {
  ruleId: string | null;
  line: number;
  message: string;
}

async function lint(filePath: string, code: string): Promise<Finding[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(repoRoot, filePath) });
  assert.ok(result, 'ESLint returned no result');
  return result.messages.map(({ ruleId, line, message }) => ({ ruleId, line, message }));
}

function onLine(findings: Finding[], line: number): Finding[] {
  return findings.filter((finding) => finding.line === line);
}

function rulesOn(findings: Finding[], line: number): (string | null)[] {
  return onLine(findings, line).map((finding) => finding.ruleId);
}

test('translate importing controller is reported', async () => {
  const findings = await lint(
    'src/translate/__lint_probe__.ts',
    "import { startController } from '../controller/index.js';\nexport const probe = startController;\n",
  );
  const [reported, ...more] = onLine(findings, 1);
  assert.ok(reported && more.length === 0, JSON.stringify(findings));
  assert.equal(reported.ruleId, 'boundaries/dependencies');
  assert.match(reported.message, /"translate".*"controller"/);
});

test('translate importing the IR is not reported', async () => {
  const findings = await lint(
    'src/translate/__lint_probe__.ts',
    "import { serviceKey } from '../ir/index.js';\nexport const probe = serviceKey;\n",
  );
  assert.deepEqual(findings, []);
});

test('node:fs in src/ir is reported', async () => {
  const findings = await lint(
    'src/ir/__lint_probe__.ts',
    "import fs from 'node:fs';\nexport const probe = fs;\n",
  );
  const reported = onLine(findings, 1);
  assert.equal(reported.length, 1, JSON.stringify(findings));
  assert.equal(reported[0]?.ruleId, '@typescript-eslint/no-restricted-imports');
});

test('hashing with node:crypto is allowed in src/ir, its randomness is not', async () => {
  const findings = await lint(
    'src/ir/__lint_probe__.ts',
    "import { createHash } from 'node:crypto';\nimport { randomUUID } from 'node:crypto';\nexport const probe = [createHash, randomUUID];\n",
  );
  assert.deepEqual(onLine(findings, 1), []);
  assert.deepEqual(rulesOn(findings, 2), ['@typescript-eslint/no-restricted-imports']);
});

test('clock, randomness and process are reported in the pure core', async () => {
  const findings = await lint(
    'src/translate/__lint_probe__.ts',
    [
      'export const a = Date.now();',
      'export const b = new Date();',
      'export const c = Math.random();',
      'export const d = process.env;',
      "export const e = new Date('2024-01-01T00:00:00Z');",
    ].join('\n') + '\n',
  );
  assert.deepEqual(rulesOn(findings, 1), ['no-restricted-syntax']);
  assert.deepEqual(rulesOn(findings, 2), ['no-restricted-syntax']);
  assert.deepEqual(rulesOn(findings, 3), ['no-restricted-syntax']);
  assert.deepEqual(rulesOn(findings, 4), ['no-restricted-globals']);
  // Parsing a fixed date is deterministic: only the clock is banned.
  assert.deepEqual(onLine(findings, 5), []);
});

test('a dynamic import cannot sneak I/O into the pure core', async () => {
  const findings = await lint(
    'src/translate/__lint_probe__.ts',
    "export const probe = import('node:fs');\n",
  );
  assert.deepEqual(rulesOn(findings, 1), ['no-restricted-syntax']);
});

test('src/api may import @kubernetes/client-node types but not its runtime', async () => {
  const findings = await lint(
    'src/api/__lint_probe__.ts',
    "import type { V1Service } from '@kubernetes/client-node';\nimport { KubeConfig } from '@kubernetes/client-node';\nexport const probe: [V1Service?, unknown?] = [undefined, KubeConfig];\n",
  );
  assert.deepEqual(onLine(findings, 1), []);
  assert.deepEqual(rulesOn(findings, 2), ['@typescript-eslint/no-restricted-imports']);
});

test('the same I/O import is fine outside the pure core', async () => {
  const findings = await lint(
    'src/controller/__lint_probe__.ts',
    "import fs from 'node:fs';\nimport { translate } from '../translate/index.js';\nexport const probe = [fs, translate, process.env];\n",
  );
  assert.deepEqual(findings, []);
});

test('sidecar may use the IR and configsync but not the translator', async () => {
  const findings = await lint(
    'sidecar/route/__lint_probe__.ts',
    "import type { MeshIR } from '../../src/ir/index.js';\nimport type { Stream } from '../../src/configsync/protocol.js';\nimport { translate } from '../../src/translate/index.js';\nexport const probe: [MeshIR?, Stream?, unknown?] = [undefined, undefined, translate];\n",
  );
  assert.deepEqual(onLine(findings, 1), []);
  assert.deepEqual(onLine(findings, 2), []);
  assert.deepEqual(rulesOn(findings, 3), ['boundaries/dependencies']);
});

test('injector may not reach into the sidecar', async () => {
  const findings = await lint(
    'injector/__lint_probe__.ts',
    "import { listen } from '../sidecar/listen/index.js';\nexport const probe = listen;\n",
  );
  assert.deepEqual(rulesOn(findings, 1), ['boundaries/dependencies']);
});

test('src/shared imports nothing from src', async () => {
  const findings = await lint(
    'src/shared/__lint_probe__.ts',
    "import { serviceKey } from '../ir/index.js';\nexport const probe = serviceKey;\n",
  );
  assert.deepEqual(rulesOn(findings, 1), ['boundaries/dependencies']);
});

test('a file in src outside every known folder is reported', async () => {
  const findings = await lint('src/__lint_probe__.ts', 'export const probe = 1;\n');
  assert.equal(findings[0]?.ruleId, 'boundaries/no-unknown-files');
});
