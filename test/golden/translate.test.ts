// Golden tests for the translator: every `translate/<case>.in.yaml` (Kubernetes manifests, with a
// comment block saying what the case checks and what the spec expects) is translated, and the IR
// plus route status (and GatewayClass/Gateway status, when any) must equal `<case>.out.yaml`.
// `UPDATE_GOLDEN=1` (npm run golden:update) rewrites the .out.yaml files instead; a reviewer then
// reads the diff against the comment blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { classify, parseManifests } from '../../src/api/objects.js';
import { translate } from '../../src/translate/index.js';

const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'translate');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const MIN_CASES = 40;
const IN_SUFFIX = '.in.yaml';
const OUT_SUFFIX = '.out.yaml';

const cases = readdirSync(CASES_DIR)
  .filter((file) => file.endsWith(IN_SUFFIX))
  .map((file) => file.slice(0, -IN_SUFFIX.length))
  .sort();

/** IR and status; Gateway statuses only when there are some, so cases without Gateways read as before. */
function render(result: ReturnType<typeof translate>): string {
  const value: Record<string, unknown> = { ir: result.ir, statuses: result.statuses };
  if (result.gatewayClassStatuses.length > 0) value.gatewayClassStatuses = result.gatewayClassStatuses;
  if (result.gatewayStatuses.length > 0) value.gatewayStatuses = result.gatewayStatuses;
  return YAML.stringify(value, { sortMapEntries: false, lineWidth: 0 });
}

test(`golden: at least ${MIN_CASES} translate cases`, () => {
  assert.ok(cases.length >= MIN_CASES, `found ${cases.length} cases in ${CASES_DIR}, want at least ${MIN_CASES}`);
});

for (const name of cases) {
  test(`${name}${IN_SUFFIX}`, () => {
    const inPath = join(CASES_DIR, `${name}${IN_SUFFIX}`);
    const outPath = join(CASES_DIR, `${name}${OUT_SUFFIX}`);
    const source = relative(process.cwd(), inPath);
    const text = readFileSync(inPath, 'utf8');

    // The comment block is the reviewer's yardstick for the .out.yaml: every case must have one.
    assert.match(text, /^#/, `${source} must begin with a comment block saying what it checks`);

    const parsed = parseManifests(text, source);
    assert.deepEqual(parsed.errors, [], `${source} has parse errors`);
    const classified = classify(parsed.objects, 'default');
    // A case whose objects are silently dropped would test nothing: every object must be used.
    assert.deepEqual(classified.errors, [], `${source} has objects the classifier could not use`);
    assert.deepEqual(classified.ignored, [], `${source} has objects the classifier ignored`);

    const snapshot = classified.snapshot;
    const before = structuredClone(snapshot);
    const result = translate(snapshot, { clusterDomain: 'cluster.local' });
    assert.deepEqual(snapshot, before, 'translate must not modify its input');

    const actual = render(result);
    // Pure: a second run over the same input gives the same bytes.
    const again = translate(structuredClone(before), { clusterDomain: 'cluster.local' });
    assert.equal(render(again), actual, 'translate must be deterministic');

    if (UPDATE) {
      writeFileSync(outPath, actual);
      return;
    }
    assert.ok(
      existsSync(outPath),
      `${relative(process.cwd(), outPath)} is missing: run \`npm run golden:update\` and review the result`,
    );
    assert.equal(actual, readFileSync(outPath, 'utf8'), `${name}: IR or status differs from ${OUT_SUFFIX}`);
  });
}
