// Version priority as Kubernetes orders it (GA, then beta, then alpha), which decides which
// served version of a Gateway API kind the controller watches; and the Secrets a Gateway names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareKubeVersions } from '../../../src/controller/kube/crd-presence.js';
import { referencedSecrets } from '../../../src/controller/kube/secret-informers.js';
import type { KubeObject } from '../../../src/api/objects.js';

test('versions sort GA first, then beta, then alpha, higher numbers first', () => {
  const sorted = ['v1alpha2', 'v1beta1', 'v1alpha3', 'v2', 'foo', 'v1', 'v2beta1'].sort(compareKubeVersions);
  assert.deepEqual(sorted, ['v2', 'v1', 'v2beta1', 'v1beta1', 'v1alpha3', 'v1alpha2', 'foo']);
});

test('Secrets referenced by Gateway listeners, with the Gateway namespace by default', () => {
  const gateway: KubeObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'edge', namespace: 'infra' },
    spec: {
      listeners: [
        { name: 'a', tls: { certificateRefs: [{ name: 'cert-a' }, { name: 'cert-b', namespace: 'certs', kind: 'Secret', group: '' }] } },
        { name: 'b', tls: { certificateRefs: [{ name: 'cm', kind: 'ConfigMap' }, { name: 'x', group: 'example.com', kind: 'Secret' }] } },
        { name: 'c' },
      ],
    },
  };
  assert.deepEqual([...referencedSecrets([gateway])].sort(), ['certs/cert-b', 'infra/cert-a']);
});
