// Golden tests for the injector: every `injector/<case>.review.json` (an AdmissionReview v1 request as
// the API server sends it) goes through `admit` with the default config, and the answer, with its
// patch decoded for the reader, must equal `<case>.response.json`. `UPDATE_GOLDEN=1` rewrites the
// response files (npm run golden:update); a reviewer reads the diff against CASES below, which also
// pins each case's outcome so a regeneration cannot quietly flip it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Pod } from '@kubernetes/client-node';
import { DEFAULT_INJECTOR_CONFIG } from '../../injector/config.js';
import { applyJsonPatch, type JsonPatchOp } from '../../injector/json-patch.js';
import { admit, injectPod, type AdmitResult } from '../../injector/mutate.js';

const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'injector');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const IN_SUFFIX = '.review.json';
const OUT_SUFFIX = '.response.json';

/** What each case checks, and the outcome it must have. */
const CASES: Record<string, { checks: string; outcome: AdmitResult['outcome'] }> = {
  'plain-pod': { checks: 'a ReplicaSet-made pod (generateName only, service-account volume): init containers added whole, token volume appended', outcome: 'injected' },
  'pod-with-annotations': { checks: 'every per-pod annotation reaches the init args, env and resources; no volumes yet, so the list is added', outcome: 'injected' },
  'opt-out-label': { checks: 'sidelane.io/inject=false leaves the pod alone', outcome: 'skipped' },
  'kube-system': { checks: 'kube-system is never injected, even with the inject label', outcome: 'skipped' },
  'system-namespace': { checks: "Sidelane's own namespace is never injected", outcome: 'skipped' },
  'already-injected': { checks: 'a pod with a sidelane-proxy container is not patched again', outcome: 'already-injected' },
  'dry-run': { checks: 'dry-run gets the same patch (the mutation has no side effects)', outcome: 'injected' },
  'existing-init-containers': { checks: "sidelane-init and sidelane-proxy go before the pod's own init containers", outcome: 'injected' },
  'bad-annotation': { checks: 'bad annotations: no patch, a warning per problem naming the annotation; a typo only warns', outcome: 'invalid-pod' },
  'malformed-review': { checks: 'a request without its object: a well-formed answer for its uid, no patch', outcome: 'invalid-review' },
  'host-network': { checks: "hostNetwork pods are skipped with a warning (iptables would capture the node's traffic)", outcome: 'skipped' },
  'pod-with-probes': { checks: "the app's HTTP probes are kept exactly as they are (no op touches spec.containers)", outcome: 'injected' },
  'update-operation': { checks: 'only CREATE is injected: an UPDATE is allowed untouched', outcome: 'skipped' },
};

const files = readdirSync(CASES_DIR)
  .filter((file) => file.endsWith(IN_SUFFIX))
  .map((file) => file.slice(0, -IN_SUFFIX.length))
  .sort();

test('golden: every injector case file is described in CASES, and every described case has a file', () => {
  assert.deepEqual(files, Object.keys(CASES).sort());
});

interface Review {
  request?: { object?: V1Pod; namespace?: string; uid?: string };
}
interface Answer {
  response: { uid: string; patch?: string; patchType?: string; warnings?: string[] };
}

for (const name of files) {
  test(`${name}${IN_SUFFIX}: ${CASES[name]?.checks ?? '(undescribed)'}`, () => {
    const inPath = join(CASES_DIR, `${name}${IN_SUFFIX}`);
    const outPath = join(CASES_DIR, `${name}${OUT_SUFFIX}`);
    const review = JSON.parse(readFileSync(inPath, 'utf8')) as Review;
    const before = structuredClone(review);

    const result = admit(review, DEFAULT_INJECTOR_CONFIG);
    assert.deepEqual(review, before, 'admit must not modify the review');
    assert.equal(result.outcome, CASES[name]?.outcome, result.reason);
    const answer = result.review as Answer;
    assert.equal(answer.response.uid, review.request?.uid ?? '');

    const ops = answer.response.patch === undefined
      ? undefined
      : (JSON.parse(Buffer.from(answer.response.patch, 'base64').toString('utf8')) as JsonPatchOp[]);
    if (ops !== undefined) {
      // The patch and the directly built pod are two codings of one mutation: they must agree.
      const pod = review.request?.object as V1Pod;
      const built = injectPod(pod, DEFAULT_INJECTOR_CONFIG, review.request?.namespace ?? 'default');
      assert.deepEqual(applyJsonPatch(pod, ops), built.pod);
    }
    const actual = `${JSON.stringify({ ...result, decodedPatch: ops }, null, 2)}\n`;
    assert.equal(JSON.stringify(admit(structuredClone(before), DEFAULT_INJECTOR_CONFIG)), JSON.stringify(result), 'admit must be deterministic');

    if (UPDATE) {
      writeFileSync(outPath, actual);
      return;
    }
    assert.ok(existsSync(outPath), `${relative(process.cwd(), outPath)} is missing: run \`UPDATE_GOLDEN=1 node --import tsx --test test/golden/injector.test.ts\` and review the result`);
    assert.equal(actual, readFileSync(outPath, 'utf8'), `${name}: the answer differs from ${OUT_SUFFIX}`);
  });
}
