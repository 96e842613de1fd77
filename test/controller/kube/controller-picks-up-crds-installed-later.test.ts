// On a cluster without the Gateway API CRDs the controller is still ready (the kinds count as
// empty) and says which CRDs are missing; a CRD installed later is picked up, and one deleted
// again is reported again and its objects leave the config.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyObjects, startKube, uniqueNamespace, type KubeEnv } from '../../support/kube.js';
import { installGatewayApiCrds } from '../../../scripts/kube/crds.js';
import { KubeHttp } from '../../../src/controller/kube/kube-http.js';
import {
  condition,
  endpointSlice,
  eventually,
  getHttpRoute,
  hasProducerRoute,
  httpRoute,
  ourParent,
  runController,
  service,
  type RunningController,
} from './kube-controller-fixture.js';

const HTTPROUTES = 'httproutes.gateway.networking.k8s.io';
let kube: KubeEnv;
let ns: string;
let running: RunningController | undefined;

before(async () => {
  kube = await startKube({ crds: 'none' });
  ns = await uniqueNamespace(kube, 'ctl-crds');
  await applyObjects(kube, [service(ns, 'web'), service(ns, 'web-v1'), endpointSlice(ns, 'web-v1', ['10.3.0.1'])]);
});

after(async () => {
  await running?.controller.close();
  await kube.stop();
});

test('missing CRDs are reported, and picked up once installed', { timeout: 120_000 }, async () => {
  running = await runController(kube, { identity: 'replica-a', leaseNamespace: ns, crdRetryMs: 300 });
  const { controller } = running;
  await eventually('ready without CRDs', () => controller.ready());
  assert.ok(controller.problems().includes(`${HTTPROUTES} not installed`), controller.problems().join('\n'));
  assert.ok(controller.problems().includes('tcproutes.gateway.networking.k8s.io not installed'));
  assert.ok(running.latest()?.ir.services.some((s) => s.ref.namespace === ns && s.ref.name === 'web'));
  const metrics = await running.registry.getSingleMetricAsString('sidelane_controller_informer_problems');
  assert.match(metrics, /sidelane_controller_informer_problems 8\b/);

  await installGatewayApiCrds(kube.kubeconfigPath, 'standard', (name) => name === HTTPROUTES);
  await eventually('httproutes no longer reported', () => !controller.problems().includes(`${HTTPROUTES} not installed`));
  assert.ok(controller.problems().includes('tcproutes.gateway.networking.k8s.io not installed'));
  await applyObjects(kube, [httpRoute(ns, 'late', 'web', 'web-v1')]);
  await eventually('the route in the config', () => hasProducerRoute(running?.latest(), ns, 'web'));
  await eventually('its status', async () => condition(ourParent(await getHttpRoute(kube, ns, 'late')), 'Accepted'));

  await new KubeHttp(kube.kubeConfig).request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${HTTPROUTES}`);
  await eventually('httproutes reported again', () => controller.problems().includes(`${HTTPROUTES} not installed`), 20_000);
  await eventually('the route gone from the config', () => !hasProducerRoute(running?.latest(), ns, 'web'));
  assert.equal(controller.ready(), true);
});
