// What an operator scrapes and probes: /livez, /readyz once the caches synced, and metrics that
// show watch events, translations, status writes, connected proxies, the config version and the
// push latency from a watch event to the last ACK.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningController } from '../../src/cli/controller-command.js';
import { startEcho, type EchoServer } from '../../src/echo/server.js';
import { startControlPlane, startMeshProxy, within, type MeshProxy } from '../support/control-plane.js';
import { applyYaml, endpointHost, sharedKube, uniqueNamespace, type KubeEnv } from '../support/kube.js';
import { echoBackends, request, serviceYaml } from '../support/mesh.js';

let kube: KubeEnv;
let ns: string;
let controller: RunningController | undefined;
let proxy: MeshProxy | undefined;
let echo: EchoServer | undefined;

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'metrics');
  echo = await startEcho({ name: 'catalog', host: endpointHost(), port: 0 });
  await applyYaml(kube, serviceYaml({ name: 'catalog', namespace: ns, backends: echoBackends(echo) }), ns);
  controller = await startControlPlane(kube, { leaseNamespace: ns });
  proxy = await startMeshProxy([`127.0.0.1:${controller.configPort}`], ns);
});

after(async () => {
  await proxy?.close();
  await controller?.close();
  await echo?.close();
  await kube.stop();
});

async function get(path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${String(controller?.httpPort)}${path}`);
  return { status: res.status, text: await res.text() };
}

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('probes answer: live at once, ready once the informers synced', async () => {
  assert.equal((await get('/livez')).status, 200);
  await within(5000, 'ready', async () => (await get('/readyz')).status === 200);
  assert.equal((await get('/nope')).status, 404);
});

test('metrics show the config pipeline from watch event to ACK', async () => {
  if (!proxy) throw new Error('set-up failed');
  assert.equal((await request(proxy.port, `catalog.${ns}`, '/')).json?.name, 'catalog');
  const before = (await get('/metrics')).text;
  const pushesBefore = sample(before, 'sidelane_configsync_push_latency_seconds_count') ?? 0;
  const translationsBefore = sample(before, 'sidelane_controller_translations_total') ?? 0;
  await applyYaml(kube, `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: catalog-timeout, namespace: ${ns}}
spec:
  parentRefs: [{group: "", kind: Service, name: catalog, port: 80}]
  rules: [{backendRefs: [{name: catalog, port: 80}], timeouts: {request: 5s}}]`, ns);
  let text = '';
  await within(5000, 'the push of the route change was timed', async () => {
    text = (await get('/metrics')).text;
    return (sample(text, 'sidelane_configsync_push_latency_seconds_count') ?? 0) > pushesBefore;
  });
  assert.equal(sample(text, 'sidelane_configsync_connected_proxies'), 1);
  assert.ok((sample(text, 'sidelane_controller_translations_total') ?? 0) > translationsBefore);
  assert.ok((sample(text, 'sidelane_controller_watch_events_total') ?? 0) > 0 || text.includes('sidelane_controller_watch_events_total{'));
  assert.ok((sample(text, 'sidelane_configsync_acks_total') ?? 0) >= 2);
  assert.equal(sample(text, 'sidelane_controller_is_leader'), 1);
  assert.match(text, /sidelane_controller_config_version_info\{version="sha256:[0-9a-f]{64}"\} 1/);
  const latency = (sample(text, 'sidelane_configsync_push_latency_seconds_sum') ?? 0) / (sample(text, 'sidelane_configsync_push_latency_seconds_count') ?? 1);
  assert.ok(latency < 1, `push latency ${String(latency)} s is under a second`);
  await within(5000, 'the status write is counted', async () => (sample((await get('/metrics')).text, 'sidelane_controller_status_writes_total{result="applied"}') ?? 0) >= 1);
});
