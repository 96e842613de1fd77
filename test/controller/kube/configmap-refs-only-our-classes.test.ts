// The ConfigMaps the controller reads: only those named by the parametersRef of a GatewayClass
// whose controllerName is ours (core group, kind ConfigMap, with a namespace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/objects.js';
import { referencedConfigMaps } from '../../../src/controller/kube/configmap-informers.js';

const OURS = 'sidelane.io/gateway-controller';

function gatewayClass(name: string, controllerName: string, parametersRef?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name },
    spec: { controllerName, ...(parametersRef ? { parametersRef } : {}) },
  };
}

test('ConfigMaps of our classes are referenced; other controllers\' and other kinds are not', () => {
  const refs = referencedConfigMaps(
    [
      gatewayClass('a', OURS, { group: '', kind: 'ConfigMap', name: 'gw-params', namespace: 'sidelane-system' }),
      gatewayClass('b', OURS, { group: '', kind: 'ConfigMap', name: 'gw-params', namespace: 'sidelane-system' }),
      gatewayClass('c', 'example.com/other', { group: '', kind: 'ConfigMap', name: 'theirs', namespace: 'infra' }),
      gatewayClass('d', OURS, { group: 'example.com', kind: 'Params', name: 'p', namespace: 'infra' }),
      gatewayClass('e', OURS, { group: '', kind: 'ConfigMap', name: 'no-namespace' }),
      gatewayClass('f', OURS),
    ],
    OURS,
  );
  assert.deepEqual([...refs], ['sidelane-system/gw-params']);
});
