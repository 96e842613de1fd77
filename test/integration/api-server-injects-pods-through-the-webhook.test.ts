// The whole admission path on a real API server: `sidelane injector` makes its CA and certificate,
// the cert keeper puts the CA into a MutatingWebhookConfiguration shaped like the chart's, and pods
// created through the API server come out meshed, or untouched, as the labels say.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { pino } from 'pino';
import { startInjector, type RunningInjector } from '../../src/cli/injector-command.js';
import { ANNOTATIONS, INIT_CONTAINER, INJECT_LABEL, NAMESPACE_INJECTION_LABEL, PROXY_CONTAINER } from '../../src/shared/pod-mesh.js';
import { sharedKube, uniqueNamespace, type KubeEnv } from '../support/kube.js';
import {
  caBundles, createWebhookConfiguration, deleteWebhookConfiguration, eventually, testWebhookConfiguration,
} from '../support/injector-webhook.js';

let kube: KubeEnv;
let core: CoreV1Api;
let injector: RunningInjector | undefined;
const webhookName = `sidelane-injector-${randomBytes(3).toString('hex')}`;
const fence = { key: 'sidelane.io/test-fence', value: webhookName };
let systemNs: string;
let labelledNs: string;
let plainNs: string;

before(async () => {
  kube = await sharedKube();
  core = kube.kubeConfig.makeApiClient(CoreV1Api);
  [systemNs, labelledNs, plainNs] = await Promise.all([
    uniqueNamespace(kube, 'injector-system'),
    uniqueNamespace(kube, 'injected', { [NAMESPACE_INJECTION_LABEL]: 'enabled', [fence.key]: fence.value }),
    uniqueNamespace(kube, 'opt-in', { [fence.key]: fence.value }),
  ]);
  injector = await startInjector(
    {
      listen: '127.0.0.1:0', namespace: systemNs, webhookConfig: webhookName, tlsSecret: 'sidelane-injector-tls',
      dnsName: [], ipSan: ['127.0.0.1'], failurePolicy: 'Ignore', logLevel: 'silent',
      caValidity: '1d', certValidity: '1h', resync: '500ms',
    },
    { kubeConfig: kube.kubeConfig, log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) },
  );
  // Created after the injector, as `helm install` may: the keeper fills caBundle at its next resync.
  await createWebhookConfiguration(kube.kubeConfig, testWebhookConfiguration({
    name: webhookName, url: `https://127.0.0.1:${injector.port}/inject`, fence, excludedNamespaces: [systemNs], failurePolicy: 'Fail',
  }));
  await eventually('caBundle set on both webhooks', async () => {
    const bundles = await caBundles(kube.kubeConfig, webhookName);
    return bundles.length === 2 && bundles.every((b) => b.includes('BEGIN CERTIFICATE')) ? bundles : undefined;
  }, 15_000);
});

after(async () => {
  await deleteWebhookConfiguration(kube.kubeConfig, webhookName).catch(() => undefined);
  await injector?.close();
  await Promise.all([systemNs, labelledNs, plainNs].map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  await kube.stop();
});

function pod(name: string, labels: Record<string, string> = {}): V1Pod {
  // serviceAccountName is set by hand: the test API server runs without the ServiceAccount admission
  // plugin that sets it in a real cluster (before webhooks run), and the token volume needs it.
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels },
    spec: { serviceAccountName: 'default', containers: [{ name: 'app', image: 'registry.example/app:1' }] },
  };
}

const injected = (p: V1Pod): boolean => (p.spec?.initContainers ?? []).some((c) => c.name === PROXY_CONTAINER);

/**
 * Creates the pod until it comes back injected: the API server takes a moment to load a new
 * webhook configuration (until then pods pass unseen) and to trust a new caBundle (until then
 * the call fails, and with failurePolicy Fail so does the create). Any other refusal ends the wait.
 */
async function createInjected(namespace: string, body: V1Pod): Promise<V1Pod> {
  const name = body.metadata?.name ?? '';
  const deadline = Date.now() + 30_000;
  let last = 'nothing yet';
  while (Date.now() < deadline) {
    try {
      const created = await core.createNamespacedPod({ namespace, body });
      if (injected(created)) return created;
      last = 'created without the proxy';
      await core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code !== 500 && code !== 409) throw err;
      last = String(err).slice(0, 300);
      if (code === 409) await core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`pod ${namespace}/${name} was not created injected within 30 s (last: ${last})`);
}

test('a pod in a namespace labelled sidelane-injection=enabled is stored with the proxy and its init container', async () => {
  const stored = await createInjected(labelledNs, pod('web'));
  const init = stored.spec?.initContainers ?? [];
  assert.deepEqual(init.map((c) => c.name), [INIT_CONTAINER, PROXY_CONTAINER]);
  assert.equal(init[1]?.restartPolicy, 'Always', 'the proxy is a native sidecar');
  assert.deepEqual(init[0]?.command, ['sidelane', 'iptables', 'apply']);
  assert.equal(stored.metadata?.annotations?.[ANNOTATIONS.status], 'injected');
  assert.deepEqual(stored.spec?.containers.map((c) => c.name), ['app']);
  const read = await core.readNamespacedPod({ namespace: labelledNs, name: 'web' });
  assert.ok(injected(read), 'what the API server stored, not only what it answered');
});

test('a pod labelled sidelane.io/inject=false is left alone in an injected namespace', async () => {
  await createInjected(labelledNs, pod('warm-up-opt-out'));
  const stored = await core.createNamespacedPod({ namespace: labelledNs, body: pod('opted-out', { [INJECT_LABEL]: 'false' }) });
  assert.equal(stored.spec?.initContainers, undefined);
  assert.equal(stored.metadata?.annotations?.[ANNOTATIONS.status], undefined);
});

test('in an unlabelled namespace only a pod labelled sidelane.io/inject=true is injected', async () => {
  const optedIn = await createInjected(plainNs, pod('opted-in', { [INJECT_LABEL]: 'true' }));
  assert.deepEqual(optedIn.spec?.initContainers?.map((c) => c.name), [INIT_CONTAINER, PROXY_CONTAINER]);
  const plain = await core.createNamespacedPod({ namespace: plainNs, body: pod('plain') });
  assert.equal(plain.spec?.initContainers, undefined);
});

test('a server-side dry-run create answers the injected pod and stores nothing', async () => {
  await createInjected(labelledNs, pod('warm-up-dry-run'));
  const answered = await core.createNamespacedPod({ namespace: labelledNs, body: pod('dry'), dryRun: 'All' });
  assert.ok(injected(answered));
  await assert.rejects(core.readNamespacedPod({ namespace: labelledNs, name: 'dry' }), (err: { code?: number }) => err.code === 404);
  const metrics = await injector?.registry.metrics() ?? '';
  assert.match(metrics, /sidelane_injector_reviews_total\{outcome="injected",dry_run="true"\} [1-9]/);
});
