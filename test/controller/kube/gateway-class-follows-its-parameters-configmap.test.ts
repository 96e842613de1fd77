// Against a real API server: a GatewayClass of ours whose parametersRef names a ConfigMap that
// does not exist is not Accepted (InvalidParameters); the controller watches that one ConfigMap,
// so creating it makes the class Accepted and its parameters reach the published IR.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { applyObjects, deleteObject, sharedKube, uniqueNamespace, type KubeEnv } from '../../support/kube.js';
import { conditionOf, gatewayClass, gatewayService, readGatewayClass } from './gateway-fixture.js';
import { eventually, runController, type RunningController } from './kube-controller-fixture.js';

let kube: KubeEnv;
let ns: string;
let classObject: KubernetesObject | undefined;
let running: RunningController | undefined;

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'gw-params');
  const controllerName = `sidelane.io/test-${ns}`;
  classObject = gatewayClass(ns, controllerName, { group: '', kind: 'ConfigMap', name: 'gateway-params', namespace: ns });
  await applyObjects(kube, [classObject, gatewayService(ns, 'gateway')]);
  running = await runController(kube, {
    identity: 'replica-a',
    leaseNamespace: ns,
    gatewayControllerName: controllerName,
    gatewayServices: { [ns]: { namespace: ns, name: 'gateway' } },
  });
});

after(async () => {
  await running?.controller.close();
  if (classObject) await deleteObject(kube, classObject);
  await kube.stop();
});

test('the class waits for its ConfigMap, then is Accepted with its parameters', { timeout: 60_000 }, async () => {
  if (!running) throw new Error('set-up failed');
  const controller = running;
  await eventually('the leader', () => controller.controller.isLeader());
  const missing = await eventually('InvalidParameters', async () => {
    const accepted = conditionOf((await readGatewayClass(kube, ns)).status?.conditions, 'Accepted');
    return accepted?.status === 'False' ? accepted : undefined;
  });
  assert.equal(missing.reason, 'InvalidParameters');

  await applyObjects(kube, [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gateway-params', namespace: ns }, data: { udpIdleTimeout: '45s' } } as KubernetesObject,
  ]);
  await eventually('Accepted', async () => conditionOf((await readGatewayClass(kube, ns)).status?.conditions, 'Accepted')?.status === 'True');
  const published = await eventually('the class in the IR', () => controller.latest()?.ir.gateways?.find((g) => g.name === ns));
  assert.equal(published.udpIdleTimeoutMs, 45_000);
});
