// `admit` takes whatever the transport parsed: it must never throw, must say what is wrong with a
// review it cannot use, and must answer a well-formed response whenever there is a uid to answer.
// Property tests feed it arbitrary JSON, and arbitrary pods inside valid reviews.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { V1Pod } from '@kubernetes/client-node';
import { DEFAULT_INJECTOR_CONFIG } from '../../injector/config.js';
import { applyJsonPatch, type JsonPatchOp } from '../../injector/json-patch.js';
import { admit, injectPod, type AdmitResult } from '../../injector/mutate.js';

const OUTCOMES = new Set(['injected', 'skipped', 'already-injected', 'invalid-review', 'invalid-pod']);

interface Response {
  uid: string;
  allowed: boolean;
  patch?: string;
  patchType?: string;
  warnings?: string[];
}

function response(result: AdmitResult): Response {
  return (result.review as { response: Response }).response;
}

function checkWellFormed(result: AdmitResult): void {
  assert.ok(OUTCOMES.has(result.outcome), result.outcome);
  assert.equal(typeof result.reason, 'string');
  assert.notEqual(result.reason, '');
  const review = result.review as { apiVersion: string; kind: string; response: Response };
  assert.equal(review.apiVersion, 'admission.k8s.io/v1');
  assert.equal(review.kind, 'AdmissionReview');
  assert.equal(review.response.allowed, true);
  assert.equal(typeof review.response.uid, 'string');
  assert.equal(review.response.patch === undefined, review.response.patchType === undefined);
  assert.equal(result.outcome === 'injected', review.response.patch !== undefined);
  for (const w of review.response.warnings ?? []) {
    assert.ok(w.length <= 256);
    assert.doesNotMatch(w, /[\u0000-\u001f]/); // eslint-disable-line no-control-regex -- that is the check
  }
  assert.doesNotThrow(() => JSON.stringify(result.review));
}

const valid = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' };
const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } };

test('reviews that cannot be used say why', () => {
  const cases: [unknown, RegExp, string][] = [
    [null, /not a JSON object/, ''],
    [[valid], /not a JSON object/, ''],
    ['{}', /not a JSON object/, ''],
    [{ ...valid, apiVersion: 'admission.k8s.io/v1beta1', request: { uid: 'u1', object: pod } }, /expected apiVersion admission\.k8s\.io\/v1 kind AdmissionReview, got "admission\.k8s\.io\/v1beta1" "AdmissionReview"/, 'u1'],
    [{ ...valid, kind: 'Pod', request: { uid: 'u2' } }, /got "admission\.k8s\.io\/v1" "Pod"/, 'u2'],
    [{ ...valid }, /has no request/, ''],
    [{ ...valid, request: { operation: 'CREATE', object: pod } }, /request has no uid/, ''],
    [{ ...valid, request: { uid: '', operation: 'CREATE', object: pod } }, /request has no uid/, ''],
    [{ ...valid, request: { uid: 'u3', operation: 'CREATE' } }, /request has no object/, 'u3'],
    [{ ...valid, request: { uid: 'u4', operation: 'CREATE', object: 'pod' } }, /request has no object/, 'u4'],
  ];
  for (const [input, reason, uid] of cases) {
    const result = admit(input, DEFAULT_INJECTOR_CONFIG);
    checkWellFormed(result);
    assert.equal(result.outcome, 'invalid-review', JSON.stringify(input));
    assert.match(result.reason, reason);
    assert.equal(response(result).uid, uid, 'the uid is echoed whenever there is one');
  }
});

test('dry-run gets the very same patch, and says it is a dry run', () => {
  const request = { uid: 'u', operation: 'CREATE', namespace: 'shop', object: pod };
  const real = admit({ ...valid, request }, DEFAULT_INJECTOR_CONFIG);
  const dry = admit({ ...valid, request: { ...request, dryRun: true } }, DEFAULT_INJECTOR_CONFIG);
  assert.equal(real.dryRun, false);
  assert.equal(dry.dryRun, true);
  assert.equal(dry.outcome, 'injected');
  assert.deepEqual(dry.review, real.review);
});

test('property: admit never throws on arbitrary JSON and always answers well-formed', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      checkWellFormed(admit(value, DEFAULT_INJECTOR_CONFIG));
    }),
    { numRuns: 500 },
  );
});

// Pod-ish objects: the fields the injector reads, mostly well-typed (so that many get injected),
// sometimes any JSON value at all.
const anything = fc.jsonValue({ maxDepth: 2 });
const mostly = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: arb, weight: 12 }, { arbitrary: anything, weight: 1 });
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
const podLike = fc.record(
  {
    metadata: mostly(
      fc.record(
        {
          name: mostly(fc.string()),
          generateName: fc.string(),
          labels: mostly(fc.dictionary(fc.constantFrom('sidelane.io/inject', 'app'), fc.constantFrom('true', 'false', 'x'))),
          annotations: mostly(
            fc.dictionary(
              fc.constantFrom('sidelane.io/exclude-inbound-ports', 'sidelane.io/include-inbound-ports', 'sidelane.io/proxy-cpu', 'sidelane.io/proxy-cpu-limit', 'sidelane.io/log-level', 'sidelane.io/exclude-outbound-ip-ranges', 'sidelane.io/status', 'sidelane.io/typo'),
              fc.oneof({ arbitrary: fc.constantFrom('*', '8080,9090', '100m', '10.0.0.0/8', 'debug'), weight: 6 }, { arbitrary: fc.string(), weight: 1 }),
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
    spec: mostly(
      fc.record(
        {
          containers: mostly(fc.array(fc.record({ name: fc.constantFrom('app', 'web', 'db', 'cache', 'sidelane-proxy', 'sidelane-init'), ports: mostly(fc.array(fc.record({ containerPort: fc.constantFrom(80, 8080, 9090, 5432, 15006) }), { maxLength: 2 })) }, { requiredKeys: ['name'] }), { maxLength: 3 })),
          initContainers: mostly(fc.array(fc.record({ name: fc.string() }), { maxLength: 2 })),
          volumes: maybe(mostly(fc.array(fc.record({ name: fc.constantFrom('data', 'cache', 'sidelane-token') }), { maxLength: 2 }))),
          hostNetwork: maybe(mostly(fc.boolean())),
        },
        { requiredKeys: ['containers'] },
      ),
    ),
  },
  { requiredKeys: ['spec'] },
);

test('property: for arbitrary pods, the patch applied to the pod equals the injected pod', () => {
  let patched = 0;
  fc.assert(
    fc.property(podLike, fc.constantFrom('shop', 'web', 'kube-system', ''), fc.boolean(), (object, namespace, dryRun) => {
      const result = admit({ ...valid, request: { uid: 'u', operation: 'CREATE', namespace, object, dryRun } }, DEFAULT_INJECTOR_CONFIG);
      checkWellFormed(result);
      assert.equal(result.dryRun, dryRun);
      const patch = response(result).patch;
      if (patch === undefined) return;
      const ops = JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as JsonPatchOp[];
      const built = injectPod(object as V1Pod, DEFAULT_INJECTOR_CONFIG, namespace === '' ? 'default' : namespace);
      assert.deepEqual(applyJsonPatch(object, ops), built.pod);
      patched += 1;
    }),
    { numRuns: 1000 },
  );
  assert.ok(patched >= 20, `only ${patched} of 1000 arbitrary pods were injected: the property would test little`);
});
