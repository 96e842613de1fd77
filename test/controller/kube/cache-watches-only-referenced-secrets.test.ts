// The cache reads a Secret only while a Gateway listener references it, and hands Gateway API
// objects to the translator converted and defaulted by the same classify() as file mode.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { KubernetesObject } from '@kubernetes/client-node';
import { applyObjects, sharedKube, uniqueNamespace, type KubeEnv } from '../../support/kube.js';
import { ClusterCache } from '../../../src/controller/kube/cache.js';
import { KubeHttp, objectPath } from '../../../src/controller/kube/kube-http.js';
import { eventually, httpRoute, service } from './kube-controller-fixture.js';

let kube: KubeEnv;
let ns: string;

function secret(name: string): KubernetesObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type: 'Opaque', stringData: { key: 'value' } } as KubernetesObject;
}

function gateway(certificate: string): KubernetesObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'edge', namespace: ns },
    spec: {
      gatewayClassName: 'sidelane',
      listeners: [{ name: 'https', protocol: 'HTTPS', port: 443, tls: { mode: 'Terminate', certificateRefs: [{ name: certificate }] } }],
    },
  } as KubernetesObject;
}

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'cache-secrets');
  await applyObjects(kube, [secret('referenced'), secret('other'), secret('later'), service(ns, 'web'), httpRoute(ns, 'route', 'web', 'web')]);
});

after(async () => {
  await kube.stop();
});

test('only Secrets named by Gateway listeners are read, and references are followed', { timeout: 60_000 }, async () => {
  const cache = new ClusterCache({
    kubeConfig: kube.kubeConfig,
    http: new KubeHttp(kube.kubeConfig),
    log: pino({ level: process.env.SIDELANE_TEST_LOG ?? 'silent' }),
    crdRetryMs: 1000,
    onChange: () => undefined,
  });
  const secretsInNs = (): string[] =>
    cache.snapshot().snapshot.secrets.filter((s) => s.metadata?.namespace === ns).map((s) => s.metadata?.name ?? '').sort();
  cache.start();
  try {
    await eventually('synced', () => cache.synced());
    assert.deepEqual(secretsInNs(), []);

    await applyObjects(kube, [gateway('referenced')]);
    await eventually('the referenced Secret', () => secretsInNs().join() === 'referenced');

    await applyObjects(kube, [gateway('later')]);
    await eventually('the newly referenced Secret only', () => secretsInNs().join() === 'later');

    await new KubeHttp(kube.kubeConfig).request('DELETE', objectPath('gateway.networking.k8s.io/v1', 'gateways', ns, 'edge'));
    await eventually('no Secret once no Gateway references one', () => secretsInNs().length === 0);

    // Routes reach the translator as classify() makes them: v1, defaulted.
    const route = cache.snapshot().snapshot.httpRoutes.find((r) => r.metadata.namespace === ns && r.metadata.name === 'route');
    assert.equal(route?.apiVersion, 'gateway.networking.k8s.io/v1');
    assert.equal(route.spec.rules?.[0]?.matches?.[0]?.path?.type, 'PathPrefix');
    assert.equal(cache.routes().some((r) => r.object.metadata.name === 'route' && r.resource.plural === 'httproutes'), true);
  } finally {
    await cache.close();
  }
});
