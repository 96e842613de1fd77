// The webhook's JSON Patch and `injectPod`'s directly built pod are two codings of one mutation:
// applied to the pod, the patch must give exactly the injected pod, whatever is absent or null.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { DEFAULT_INJECTOR_CONFIG } from '../../injector/config.js';
import { applyJsonPatch, pointerToken, type JsonPatchOp } from '../../injector/json-patch.js';
import { admit, injectPod } from '../../injector/mutate.js';

function patchOf(pod: unknown): JsonPatchOp[] {
  const result = admit(
    { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u', operation: 'CREATE', namespace: 'shop', object: pod } },
    DEFAULT_INJECTOR_CONFIG,
  );
  const patch = (result.review as { response: { patch?: string } }).response.patch;
  assert.ok(patch !== undefined, result.reason);
  return JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as JsonPatchOp[];
}

function assertPatchEqualsInjected(pod: V1Pod): JsonPatchOp[] {
  const before = structuredClone(pod);
  const ops = patchOf(pod);
  const injected = injectPod(pod, DEFAULT_INJECTOR_CONFIG, 'shop').pod;
  assert.deepEqual(pod, before, 'neither admit nor injectPod modifies its input');
  assert.deepEqual(applyJsonPatch(pod, ops), injected);
  return ops;
}

test('absent arrays and annotations are added whole', () => {
  const ops = assertPatchEqualsInjected({ metadata: { name: 'p' }, spec: { containers: [{ name: 'app' }] } });
  assert.deepEqual(ops.map((o) => o.path), ['/spec/initContainers', '/spec/volumes', '/metadata/annotations']);
  assert.deepEqual(ops[2]?.value, { 'sidelane.io/status': 'injected' });
});

test('null arrays and annotations (as JSON may carry them) are replaced whole too', () => {
  const pod = { metadata: { name: 'p', annotations: null }, spec: { containers: [{ name: 'app' }], initContainers: null, volumes: null } };
  const ops = assertPatchEqualsInjected(pod as unknown as V1Pod);
  assert.deepEqual(ops.map((o) => o.path), ['/spec/initContainers', '/spec/volumes', '/metadata/annotations']);
});

test('existing arrays get the sidecar first among init containers and the volume last; the annotation key is escaped', () => {
  const pod: V1Pod = {
    metadata: { name: 'p', annotations: { team: 'a' } },
    spec: { containers: [{ name: 'app' }], initContainers: [{ name: 'migrate' }], volumes: [{ name: 'data', emptyDir: {} }] },
  };
  const ops = assertPatchEqualsInjected(pod);
  assert.deepEqual(ops.map((o) => o.path), [
    '/spec/initContainers/0',
    '/spec/initContainers/1',
    '/spec/volumes/-',
    '/metadata/annotations/sidelane.io~1status',
  ]);
  const injected = applyJsonPatch(pod, ops);
  assert.deepEqual(injected.spec?.initContainers?.map((c) => c.name), ['sidelane-init', 'sidelane-proxy', 'migrate']);
  assert.deepEqual(injected.spec.volumes?.map((v) => v.name), ['data', 'sidelane-token']);
  assert.deepEqual(injected.metadata?.annotations, { team: 'a', 'sidelane.io/status': 'injected' });
});

test('a pod without metadata gets metadata with the status annotation', () => {
  const ops = assertPatchEqualsInjected({ spec: { containers: [{ name: 'app' }] } });
  assert.deepEqual(ops.at(-1), { op: 'add', path: '/metadata', value: { annotations: { 'sidelane.io/status': 'injected' } } });
});

test('JSON Pointer tokens escape ~ before /', () => {
  assert.equal(pointerToken('sidelane.io/status'), 'sidelane.io~1status');
  assert.equal(pointerToken('a~/b'), 'a~0~1b');
  assert.deepEqual(applyJsonPatch({ m: {} }, [{ op: 'add', path: `/m/${pointerToken('a~/b')}`, value: 1 }]), { m: { 'a~/b': 1 } });
});

test('applyJsonPatch follows RFC 6902 add: insert in arrays, replace members, refuse missing parents', () => {
  assert.deepEqual(applyJsonPatch({ a: [1, 3] }, [{ op: 'add', path: '/a/1', value: 2 }, { op: 'add', path: '/a/-', value: 4 }]), { a: [1, 2, 3, 4] });
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '/a', value: 2 }]), { a: 2 });
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '', value: [] }]), []);
  assert.throws(() => applyJsonPatch({}, [{ op: 'add', path: '/a/b', value: 1 }]), /a does not exist/);
  assert.throws(() => applyJsonPatch({ a: [] }, [{ op: 'add', path: '/a/1', value: 1 }]), /bad array index 1/);
  assert.throws(() => applyJsonPatch({ a: [] }, [{ op: 'add', path: '/a/01', value: 1 }]), /bad array index 01/);
  assert.throws(() => applyJsonPatch({ a: 'x' }, [{ op: 'add', path: '/a/b', value: 1 }]), /parent is not an object or array/);
  const input = { a: [1] };
  applyJsonPatch(input, [{ op: 'add', path: '/a/-', value: 2 }]);
  assert.deepEqual(input, { a: [1] }, 'the input is not modified');
  const polluted = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { hacked: true } }]) as Record<string, unknown>;
  assert.equal(({} as Record<string, unknown>).hacked, undefined);
  assert.equal(Object.getPrototypeOf(polluted), Object.prototype, 'a "__proto__" key stays a member');
});
