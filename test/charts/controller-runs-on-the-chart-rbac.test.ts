// The real controller, authenticated as the chart's ServiceAccount (a TokenRequest token, as in its
// pod), with nothing but the chart's RBAC: it syncs, leads, keeps renewing its Lease, follows new
// objects through its watches (routes, Services, a Gateway's Secret, a GatewayClass's ConfigMap),
// writes route, GatewayClass and Gateway status and may review proxy tokens, all without a single
// `forbidden`. A missing verb in the chart fails here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { RunningController } from '../../src/cli/controller-command.js';
import { startControlPlane } from '../support/control-plane.js';
import { KubeHttp, objectPath } from '../../src/controller/kube/kube-http.js';
import { TOKEN_AUDIENCE } from '../../src/shared/pod-mesh.js';
import { condition, eventually, getHttpRoute, httpRoute, ourParent, service } from '../controller/kube/kube-controller-fixture.js';
import { conditionOf, gateway as gatewayOf, gatewayClass, gatewayService, gatewayWhere, readGatewayClass } from '../controller/kube/gateway-fixture.js';
import { applyObjects, deleteObject, loadKubeConfig, sharedKube, uniqueNamespace, type KubeEnv } from '../support/kube.js';
import { installChartRbac, serviceAccountToken, tokenKubeconfig, type InstalledRbac } from './chart-rbac-fixture.js';

let kube: KubeEnv;
let ns: string;
let rbac: InstalledRbac | undefined;
let kubeconfig: { path: string; remove(): Promise<void> } | undefined;
let running: RunningController | undefined;
let classObject: KubernetesObject | undefined;

function gateway(namespace: string): KubernetesObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'edge', namespace },
    spec: {
      gatewayClassName: 'sidelane',
      listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { mode: 'Terminate', certificateRefs: [{ name: 'edge-cert' }] } }],
    },
  } as KubernetesObject;
}

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'sidelane-ctl-rbac');
  rbac = await installChartRbac(kube, ns);
  // A class of this test's own controllerName (others sharing the server leave it alone), with parameters.
  classObject = gatewayClass(ns, `sidelane.io/test-${ns}`, { group: '', kind: 'ConfigMap', name: 'gateway-params', namespace: ns });
  await applyObjects(kube, [service(ns, 'web'), httpRoute(ns, 'web', 'web', 'web'), gateway(ns), classObject, gatewayService(ns, 'gateway')]);
  kubeconfig = await tokenKubeconfig(kube, await serviceAccountToken(kube, ns, 'sidelane-controller'));
  running = await startControlPlane(kube, {
    leaseNamespace: ns,
    renewPeriodMs: 300,
    proxyAuth: 'tokenreview',
    kubeconfigPath: kubeconfig.path,
    gatewayServices: [`${ns}=${ns}/gateway`],
    gatewayServiceAccounts: [`${ns}/sidelane-gateway`],
    gatewayControllerName: `sidelane.io/test-${ns}`,
  });
});

after(async () => {
  await running?.close();
  await kubeconfig?.remove();
  if (classObject) await deleteObject(kube, classObject);
  await rbac?.remove();
  await kube.stop();
});

function controller(): RunningController['controller'] {
  if (!running) throw new Error('set-up failed');
  return running.controller;
}

function forbidden(): string[] {
  return controller().problems().filter((p) => /forbidden|\b403\b/i.test(p));
}

async function watchEvents(kind: string, type: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${String(running?.httpPort)}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('sidelane_controller_watch_events_total{') && l.includes(`kind="${kind}"`) && l.includes(`type="${type}"`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('it syncs, leads and writes route status with the chart RBAC only', { timeout: 60_000 }, async () => {
  await eventually('ready', () => controller().ready(), 30_000);
  await eventually('leader', () => controller().isLeader(), 15_000);
  const route = await eventually('status on the route', async () => {
    const stored = await getHttpRoute(kube, ns, 'web');
    return condition(ourParent(stored), 'Accepted') ? stored : undefined;
  }, 15_000);
  assert.equal(condition(ourParent(route), 'Accepted')?.status, 'True');
  assert.deepEqual(forbidden(), []);
});

test('it keeps renewing its Lease (update, not only create)', { timeout: 30_000 }, async () => {
  await eventually('leader', () => controller().isLeader(), 15_000);
  const http = new KubeHttp(kube.kubeConfig);
  const path = objectPath('coordination.k8s.io/v1', 'leases', ns, 'sidelane-controller');
  const renewTime = async (): Promise<string | undefined> => ((await http.get(path)) as { spec?: { renewTime?: string } }).spec?.renewTime;
  const first = await renewTime();
  await eventually('a renewal', async () => (await renewTime()) !== first, 10_000);
  assert.equal(controller().isLeader(), true);
});

test('its watches see objects created later: a route on a new Service, the Gateway\'s Secret', { timeout: 60_000 }, async () => {
  await eventually('ready', () => controller().ready(), 30_000);
  await applyObjects(kube, [service(ns, 'api'), httpRoute(ns, 'api', 'api', 'api')]);
  const route = await eventually('status on the later route', async () => {
    const stored = await getHttpRoute(kube, ns, 'api');
    return condition(ourParent(stored), 'ResolvedRefs') ? stored : undefined;
  }, 15_000);
  assert.equal(condition(ourParent(route), 'ResolvedRefs')?.status, 'True', 'the Service created later was seen');

  const secretsBefore = await watchEvents('Secret', 'ADDED');
  await applyObjects(kube, [{
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'edge-cert', namespace: ns },
    type: 'Opaque',
    data: { 'tls.crt': '', 'tls.key': '' },
  } as KubernetesObject]);
  await eventually('the Secret\'s watch event', async () => (await watchEvents('Secret', 'ADDED')) > secretsBefore, 15_000);
  await sleep(500);
  assert.deepEqual(forbidden(), []);
});

test('it may review a proxy\'s token with its own credentials', { timeout: 30_000 }, async () => {
  if (!kubeconfig) throw new Error('set-up failed');
  const proxyToken = await serviceAccountToken(kube, ns, 'sidelane-injector', [TOKEN_AUDIENCE]);
  const asController = new KubeHttp(loadKubeConfig(kubeconfig.path));
  const review = (await asController.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: proxyToken, audiences: [TOKEN_AUDIENCE] } },
  })) as { status?: { authenticated?: boolean; user?: { username?: string } } };
  assert.equal(review.status?.authenticated, true);
  assert.equal(review.status.user?.username, `system:serviceaccount:${ns}:sidelane-injector`);
});

test('it writes GatewayClass and Gateway status and reads the class\'s ConfigMap', { timeout: 60_000 }, async () => {
  await eventually('leader', () => controller().isLeader(), 15_000);
  await applyObjects(kube, [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gateway-params', namespace: ns }, data: { udpIdleTimeout: '30s' } } as KubernetesObject,
    gatewayOf(ns, 'north', ns, [{ name: 'http', port: 80, protocol: 'HTTP' }]),
  ]);
  await eventually('the class Accepted with its parameters', async () =>
    conditionOf((await readGatewayClass(kube, ns)).status?.conditions, 'Accepted')?.status === 'True', 15_000);
  await gatewayWhere(kube, ns, 'north', 'the Gateway Programmed', (g) => conditionOf(g.status?.conditions, 'Programmed')?.status === 'True');
  await sleep(500);
  assert.deepEqual(forbidden(), []);
});
