// A control-plane outage must not fail a single request: sidecars keep their last config while no
// replica answers, reconnect (with backoff) to whichever replica is up, and resync what changed
// meanwhile. With two replicas one leader writes status; when it goes, the other takes over.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { RunningController } from '../../src/cli/controller-command.js';
import { startEcho, type EchoServer } from '../../src/echo/server.js';
import { startControlPlane, startMeshProxy, within } from '../support/control-plane.js';
import { applyYaml, endpointHost, sharedKube, uniqueNamespace, type KubeEnv } from '../support/kube.js';
import { echoBackends, request, serviceYaml } from '../support/mesh.js';
import { freePort } from '../../scripts/kube/processes.js';

let kube: KubeEnv;
let ns: string;
let echoes: EchoServer[] = [];
const cleanup: (() => Promise<void>)[] = [];

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'restarts');
  echoes = await Promise.all(['orders-v1', 'orders-v2'].map((name) => startEcho({ name, host: endpointHost(), port: 0 })));
  const [v1, v2] = echoes;
  if (!v1 || !v2) throw new Error('echoes');
  await applyYaml(kube, [
    serviceYaml({ name: 'orders', namespace: ns, backends: echoBackends(v1) }),
    serviceYaml({ name: 'orders-v2', namespace: ns, backends: echoBackends(v2) }),
  ].join('\n---\n'), ns);
});

after(async () => {
  for (const close of cleanup.reverse()) await close().catch(() => undefined);
  await Promise.all(echoes.map((e) => e.close()));
  await kube.stop();
});

function splitRoute(name: string, prefix: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${ns}}
spec:
  parentRefs: [{group: "", kind: Service, name: orders, port: 80}]
  rules:
  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    backendRefs: [{name: orders-v2, port: 80}]
  - backendRefs: [{name: orders, port: 80}]`;
}

/** Sends a request every 20 ms until stopped; counts answers that were not 200 from the expected backend. */
function steadyTraffic(port: number, host: string): { stop(): Promise<{ sent: number; failed: string[] }> } {
  let running = true;
  let sent = 0;
  const failed: string[] = [];
  const loop = (async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() flips it
    while (running) {
      sent++;
      try {
        const res = await request(port, host, '/steady');
        if (res.status !== 200 || res.json?.name !== 'orders-v1') failed.push(`${String(res.status)} ${String(res.headers['x-sidelane-error'] ?? '')}`);
      } catch (err) {
        failed.push(String(err));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { sent, failed };
    },
  };
}

async function ourStatus(name: string): Promise<string | undefined> {
  const api = kube.kubeConfig.makeApiClient(CustomObjectsApi);
  const route = (await api.getNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: ns, plural: 'httproutes', name })) as {
    status?: { parents?: { controllerName: string; conditions: { type: string; status: string }[] }[] };
  };
  return route.status?.parents?.find((p) => p.controllerName === 'sidelane.io/mesh-controller')?.conditions.find((c) => c.type === 'Accepted')?.status;
}

test('a controller restart fails no request, and the sidecar resyncs what changed while it was down', async () => {
  const port = await freePort();
  let controller: RunningController = await startControlPlane(kube, { leaseNamespace: ns, configPort: port, identity: 'solo' });
  const proxy = await startMeshProxy([`127.0.0.1:${port}`], ns);
  cleanup.push(() => proxy.close());
  const host = `orders.${ns}`;
  assert.equal((await request(proxy.port, host, '/')).json?.name, 'orders-v1');

  const traffic = steadyTraffic(proxy.port, host);
  await controller.close();
  await applyYaml(kube, splitRoute('while-down', '/late'), ns);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal((await request(proxy.port, host, '/late')).json?.name, 'orders-v1', 'no control plane: the last config stays');

  controller = await startControlPlane(kube, { leaseNamespace: ns, configPort: port, identity: 'solo' });
  try {
    await within(10_000, 'the sidecar resyncs after the controller restart', async () => (await request(proxy.port, host, '/late')).json?.name === 'orders-v2');
  } finally {
    await controller.close();
  }
  const { sent, failed } = await traffic.stop();
  assert.ok(sent > 20, `steady traffic ran (${String(sent)} requests)`);
  assert.deepEqual(failed, [], 'no request failed during the outage');
});

test('two replicas: both serve sidecars, one leader writes status, and the other takes over when it goes', async () => {
  const a = await startControlPlane(kube, { leaseNamespace: ns, identity: 'replica-a' });
  await within(5000, 'replica-a leads', () => a.controller.isLeader());
  const b = await startControlPlane(kube, { leaseNamespace: ns, identity: 'replica-b' });
  cleanup.push(() => b.close());
  assert.equal(b.controller.isLeader(), false, 'only one leader');

  const proxies = await Promise.all(['p-a', 'p-b'].map((pod, i) =>
    startMeshProxy([`127.0.0.1:${(i === 0 ? a : b).configPort}`], ns, pod)));
  const both = await startMeshProxy([`127.0.0.1:${a.configPort}`, `127.0.0.1:${b.configPort}`], ns, 'p-both');
  for (const p of [...proxies, both]) cleanup.push(() => p.close());
  await applyYaml(kube, splitRoute('with-two', '/two'), ns);
  for (const p of [...proxies, both]) {
    await within(2000, 'every replica serves the new route', async () => (await request(p.port, `orders.${ns}`, '/two')).json?.name === 'orders-v2');
  }
  await within(5000, 'the leader wrote status', async () => (await ourStatus('with-two')) === 'True');

  const traffic = steadyTraffic(both.port, `orders.${ns}`);
  await a.close();
  await within(5000, 'replica-b takes the lease', () => b.controller.isLeader());
  await applyYaml(kube, splitRoute('after-handover', '/handover'), ns);
  await within(5000, 'the new leader writes status', async () => (await ourStatus('after-handover')) === 'True');
  await within(10_000, 'a sidecar of the stopped replica reconnects to the other', async () =>
    (await request(both.port, `orders.${ns}`, '/handover')).json?.name === 'orders-v2');
  const { failed } = await traffic.stop();
  assert.deepEqual(failed, [], 'no request failed while a replica went away');
});
