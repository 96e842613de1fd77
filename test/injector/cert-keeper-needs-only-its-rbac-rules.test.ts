import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { pino } from 'pino';
import { CertKeeper, certKeeperRbacRules } from '../../injector/cert-keeper.js';
import { certificateSans } from '../../injector/certs.js';
import { sharedKube, uniqueNamespace, type KubeEnv } from '../support/kube.js';
import { caBundles, createWebhookConfiguration, deleteWebhookConfiguration, testWebhookConfiguration } from '../support/injector-webhook.js';

let kube: KubeEnv;
let namespace: string;
const suffix = randomBytes(3).toString('hex');
const webhookName = `sidelane-rbac-${suffix}`;
const clusterRoleName = `sidelane-injector-test-${suffix}`;
const secretName = 'sidelane-injector-tls';
const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

before(async () => {
  kube = await sharedKube();
  namespace = await uniqueNamespace(kube, 'injector-rbac');
  await createWebhookConfiguration(kube.kubeConfig, testWebhookConfiguration({
    name: webhookName, url: 'https://127.0.0.1:1/inject', fence: { key: 'sidelane.io/test-fence', value: webhookName }, failurePolicy: 'Ignore',
  }));
});

after(async () => {
  const rbac = kube.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  await deleteWebhookConfiguration(kube.kubeConfig, webhookName).catch(() => undefined);
  await rbac.deleteClusterRoleBinding({ name: clusterRoleName }).catch(() => undefined);
  await rbac.deleteClusterRole({ name: clusterRoleName }).catch(() => undefined);
  await kube.kubeConfig.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace }).catch(() => undefined);
  await kube.stop();
});

/** The admin kubeconfig, acting as `user` (impersonation), so RBAC decides what it may do. */
function actingAs(user: string): KubeConfig {
  const base = kube.kubeConfig;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: base.clusters, contexts: base.contexts, currentContext: base.currentContext,
    users: base.users.map((u) => ({ ...u, impersonateUser: user })),
  });
  return kc;
}

function keeper(kubeConfig: KubeConfig, dnsName: string): CertKeeper {
  return new CertKeeper({
    kubeConfig, namespace, secretName, webhookConfigName: webhookName, dnsNames: [dnsName], ipAddresses: [],
    caValidityMs: 3_600_000, certValidityMs: 600_000, resyncMs: 60_000, log,
  });
}

test('the cert keeper creates, renews and publishes its certificate with exactly the documented RBAC rules', { timeout: 60_000 }, async () => {
  const user = `system:serviceaccount:${namespace}:sidelane-injector`;
  const rules = certKeeperRbacRules(secretName, webhookName);
  const rbac = kube.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  const subjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: user }];
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'sidelane-injector' }, rules: rules.role } });
  await rbac.createNamespacedRoleBinding({ namespace, body: {
    metadata: { name: 'sidelane-injector' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'sidelane-injector' }, subjects,
  } });
  await rbac.createClusterRole({ body: { metadata: { name: clusterRoleName }, rules: rules.clusterRole } });
  await rbac.createClusterRoleBinding({ body: {
    metadata: { name: clusterRoleName }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName }, subjects,
  } });

  const restricted = actingAs(user);
  const first = keeper(restricted, 'a.test.svc');
  try {
    const material = await first.start(); // create + get + MWC get/patch
    assert.deepEqual(await caBundles(kube.kubeConfig, webhookName), [material.caBundlePem, material.caBundlePem]);
  } finally {
    await first.close();
  }
  const renewed = await keeper(restricted, 'b.test.svc').sync(); // update of the named Secret
  assert.deepEqual(certificateSans(renewed.certPem).dnsNames, ['b.test.svc']);

  // Nothing beyond: another Secret cannot be read, another webhook configuration not patched.
  const core = restricted.makeApiClient(CoreV1Api);
  await assert.rejects(core.readNamespacedSecret({ namespace, name: 'someone-elses' }), (err: { code?: number }) => err.code === 403);
  await assert.rejects(core.listNamespacedSecret({ namespace }), (err: { code?: number }) => err.code === 403);
});
