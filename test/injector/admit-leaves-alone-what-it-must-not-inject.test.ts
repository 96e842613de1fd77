// What `admit` never patches: anything but a pod CREATE, the cluster's and Sidelane's own
// namespaces, opted-out pods, pods that already have the proxy, hostNetwork pods, and pods that
// would clash with what injection adds. Each is allowed, without a patch, with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_INJECTOR_CONFIG } from '../../injector/config.js';
import { admit, type AdmitResult } from '../../injector/mutate.js';

interface Response {
  uid: string;
  allowed: boolean;
  patch?: string;
  patchType?: string;
  warnings?: string[];
}

function review(request: Record<string, unknown>, pod: Record<string, unknown> = {}): unknown {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'uid-1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'shop',
      operation: 'CREATE',
      object: { metadata: { generateName: 'web-5d8f-', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] }, ...pod },
      oldObject: null,
      dryRun: false,
      ...request,
    },
  };
}

function response(result: AdmitResult): Response {
  return (result.review as { response: Response }).response;
}

function assertUnpatched(result: AdmitResult, outcome: AdmitResult['outcome'], reason: RegExp): void {
  assert.equal(result.outcome, outcome, result.reason);
  assert.match(result.reason, reason);
  assert.equal(response(result).allowed, true);
  assert.equal(response(result).patch, undefined);
  assert.equal(response(result).patchType, undefined);
}

test('a plain pod CREATE is injected, and the reason names it by generateName', () => {
  const result = admit(review({}), DEFAULT_INJECTOR_CONFIG);
  assert.equal(result.outcome, 'injected');
  assert.equal(result.reason, 'pod shop/web-5d8f-* injected');
  assert.equal(result.namespace, 'shop');
  assert.equal(result.pod, 'web-5d8f-');
  assert.equal(response(result).patchType, 'JSONPatch');
});

test('UPDATE, DELETE and CONNECT are allowed untouched', () => {
  for (const operation of ['UPDATE', 'DELETE', 'CONNECT']) {
    assertUnpatched(admit(review({ operation }), DEFAULT_INJECTOR_CONFIG), 'skipped', new RegExp(`operation "${operation}": only pod CREATE`));
  }
  // DELETE carries no object at all: still a skip, not an invalid review.
  assertUnpatched(admit(review({ operation: 'DELETE', object: null }), DEFAULT_INJECTOR_CONFIG), 'skipped', /only pod CREATE/);
});

test('other kinds, resources and subresources are allowed untouched', () => {
  assertUnpatched(admit(review({ kind: { group: 'apps', version: 'v1', kind: 'Deployment' }, resource: { group: 'apps', version: 'v1', resource: 'deployments' } }), DEFAULT_INJECTOR_CONFIG), 'skipped', /kind "apps"\/"Deployment" is not a Pod/);
  assertUnpatched(admit(review({ subResource: 'ephemeralcontainers' }), DEFAULT_INJECTOR_CONFIG), 'skipped', /subresource pods\/ephemeralcontainers/);
});

test('kube-system and the system namespace are never injected, whatever the pod says', () => {
  const optedIn = { metadata: { name: 'x', labels: { 'sidelane.io/inject': 'true' } } };
  assertUnpatched(admit(review({ namespace: 'kube-system' }, optedIn), DEFAULT_INJECTOR_CONFIG), 'skipped', /namespace kube-system is never injected/);
  assertUnpatched(admit(review({ namespace: 'sidelane-system' }, optedIn), DEFAULT_INJECTOR_CONFIG), 'skipped', /namespace sidelane-system is never injected/);
  const elsewhere = { ...DEFAULT_INJECTOR_CONFIG, systemNamespace: 'mesh' };
  assertUnpatched(admit(review({ namespace: 'mesh' }, optedIn), elsewhere), 'skipped', /namespace mesh/);
});

test("the namespace comes from the request: the pod's own is often empty at CREATE", () => {
  const result = admit(review({ namespace: 'kube-system' }, { metadata: { name: 'p', namespace: '' } }), DEFAULT_INJECTOR_CONFIG);
  assert.equal(result.namespace, 'kube-system');
  assert.equal(result.outcome, 'skipped');
});

test('label sidelane.io/inject=false opts out; other values do not', () => {
  assertUnpatched(admit(review({}, { metadata: { name: 'p', labels: { 'sidelane.io/inject': 'false' } } }), DEFAULT_INJECTOR_CONFIG), 'skipped', /label sidelane\.io\/inject is "false"/);
  assert.equal(admit(review({}, { metadata: { name: 'p', labels: { 'sidelane.io/inject': 'False' } } }), DEFAULT_INJECTOR_CONFIG).outcome, 'injected');
});

test('a pod with sidelane-proxy anywhere (init or regular containers) is already injected', () => {
  const asInit = { spec: { containers: [{ name: 'web' }], initContainers: [{ name: 'sidelane-proxy' }] } };
  const asRegular = { spec: { containers: [{ name: 'web' }, { name: 'sidelane-proxy' }] } };
  assertUnpatched(admit(review({}, asInit), DEFAULT_INJECTOR_CONFIG), 'already-injected', /already has a sidelane-proxy container/);
  assertUnpatched(admit(review({}, asRegular), DEFAULT_INJECTOR_CONFIG), 'already-injected', /already has a sidelane-proxy container/);
});

test('hostNetwork pods are skipped with a warning saying why', () => {
  const result = admit(review({}, { spec: { hostNetwork: true, containers: [{ name: 'agent' }] } }), DEFAULT_INJECTOR_CONFIG);
  assertUnpatched(result, 'skipped', /uses the node's network, where iptables rules would capture the node's own traffic/);
  assert.match(response(result).warnings?.[0] ?? '', /^sidelane injector: pod shop\/web-5d8f-\* not injected/);
});

test('a pod that would clash with the sidecar is not injected, and the warning says what clashes', () => {
  const pod = {
    spec: {
      containers: [{ name: 'web', ports: [{ containerPort: 15001 }] }],
      initContainers: [{ name: 'sidelane-init' }],
      volumes: [{ name: 'sidelane-token', emptyDir: {} }],
    },
  };
  const result = admit(review({}, pod), DEFAULT_INJECTOR_CONFIG);
  assertUnpatched(result, 'invalid-pod', /not injected/);
  assert.deepEqual(response(result).warnings, [
    'sidelane injector: pod shop/web-5d8f-* not injected: the pod already has a container named sidelane-init',
    'sidelane injector: pod shop/web-5d8f-* not injected: the pod already has a volume named sidelane-token',
    'sidelane injector: pod shop/web-5d8f-* not injected: container web declares port 15001, which the proxy listens on',
  ]);
});

test('a pod without containers is an invalid pod, not a crash', () => {
  assertUnpatched(admit(review({}, { spec: {} }), DEFAULT_INJECTOR_CONFIG), 'invalid-pod', /spec\.containers is missing or not a list/);
  assertUnpatched(admit(review({}, { metadata: { name: 7 } }), DEFAULT_INJECTOR_CONFIG), 'invalid-pod', /metadata\.name is not a string/);
});

test('a long warning is cut to what the API server keeps', () => {
  const ports = Array.from({ length: 60 }, (_, i) => `bad${i}`).join(',');
  const result = admit(review({}, { metadata: { name: 'p', annotations: { 'sidelane.io/exclude-inbound-ports': ports } } }), DEFAULT_INJECTOR_CONFIG);
  const warning = response(result).warnings?.[0] ?? '';
  assert.equal(warning.length, 256);
  assert.ok(warning.endsWith('...'));
  assert.ok(result.reason.length > 256, 'the reason (for logs) keeps everything');
});
