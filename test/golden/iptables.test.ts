// Golden tests for the interception rules: every `iptables/<case>.in.json` ({"$comment": what the
// case checks, "plan": an InterceptionPlan, optional "deleteFirst"}) is rendered for IPv4 and
// IPv6, and must equal `<case>.v4.txt` and `<case>.v6.txt`. `UPDATE_GOLDEN=1` rewrites the .txt
// files instead (as for the translate cases); a reviewer then reads the diff against the comment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validatePlan, type InterceptionPlan, type IpFamily } from '../../sidecar/iptables/plan.js';
import { restoreText } from '../../sidecar/iptables/rules.js';

const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'iptables');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const MIN_CASES = 5;
const IN_SUFFIX = '.in.json';
const OUT_SUFFIX: Record<IpFamily, string> = { ipv4: '.v4.txt', ipv6: '.v6.txt' };

interface GoldenCase {
  $comment?: unknown;
  plan: InterceptionPlan;
  deleteFirst?: string[];
}

const cases = readdirSync(CASES_DIR)
  .filter((file) => file.endsWith(IN_SUFFIX))
  .map((file) => file.slice(0, -IN_SUFFIX.length))
  .sort();

test(`golden: at least ${MIN_CASES} iptables cases`, () => {
  assert.ok(cases.length >= MIN_CASES, `found ${cases.length} cases in ${CASES_DIR}, want at least ${MIN_CASES}`);
});

for (const name of cases) {
  test(`${name}${IN_SUFFIX}`, () => {
    const inPath = join(CASES_DIR, `${name}${IN_SUFFIX}`);
    const input = JSON.parse(readFileSync(inPath, 'utf8')) as GoldenCase;
    // The comment is the reviewer's yardstick for the .txt files: every case must have one.
    assert.ok(typeof input.$comment === 'string' && input.$comment.length > 20, `${relative(process.cwd(), inPath)} must say in "$comment" what it checks`);
    assert.deepEqual(validatePlan(input.plan), [], `${name}: the plan must be valid (invalid plans are tested in validation tests)`);

    for (const family of ['ipv4', 'ipv6'] as const) {
      const before = structuredClone(input.plan);
      const actual = restoreText(input.plan, family, { deleteFirst: input.deleteFirst ?? [] });
      assert.deepEqual(input.plan, before, 'restoreText must not modify the plan');
      assert.equal(restoreText(structuredClone(before), family, { deleteFirst: input.deleteFirst ?? [] }), actual, 'restoreText must be deterministic');

      const outPath = join(CASES_DIR, `${name}${OUT_SUFFIX[family]}`);
      if (UPDATE) {
        writeFileSync(outPath, actual);
        continue;
      }
      assert.ok(existsSync(outPath), `${relative(process.cwd(), outPath)} is missing: run with UPDATE_GOLDEN=1 and review the result`);
      assert.equal(actual, readFileSync(outPath, 'utf8'), `${name}: ${family} rules differ from ${OUT_SUFFIX[family]}`);
    }
  });
}
