// The chart's RBAC installed for real on the test API server (ServiceAccounts, Roles, ClusterRoles
// and their bindings, named after a release unique to the test), and credentials of its service
// accounts: a TokenRequest token and a kubeconfig that uses it, as a pod of the chart would have.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { renderChart, type ChartObject } from '../support/chart.js';
import { applyObjects, deleteObject, type KubeEnv } from '../support/kube.js';

const RBAC_KINDS = new Set(['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding']);

export interface InstalledRbac {
  /** The release namespace (also the release name, so cluster-scoped names are unique to it). */
  namespace: string;
  webhookConfigName: string;
  objects: ChartObject[];
  /** Deletes the cluster-scoped objects (the namespaced ones go with the test's namespace). */
  remove(): Promise<void>;
}

/** Renders the chart for release `namespace` and applies its RBAC objects. */
export async function installChartRbac(kube: KubeEnv, namespace: string, values: Record<string, unknown> = {}): Promise<InstalledRbac> {
  const webhookConfigName = `${namespace}-injector`;
  const rendered = await renderChart({
    release: namespace,
    namespace,
    values: { ...values, injector: { ...(values['injector'] as object | undefined), webhookConfigName } },
  });
  const objects = rendered.filter((o) => RBAC_KINDS.has(o.kind));
  const remove = async (): Promise<void> => {
    for (const obj of objects.filter((o) => CLUSTER_SCOPED.has(o.kind))) await deleteObject(kube, obj);
  };
  try {
    await applyObjects(kube, objects);
  } catch (err) {
    await remove();
    throw err;
  }
  return { namespace, webhookConfigName, objects, remove };
}

/** A token of a ServiceAccount (TokenRequest), for the API server's own audience unless told otherwise. */
export async function serviceAccountToken(kube: KubeEnv, namespace: string, name: string, audiences?: string[]): Promise<string> {
  const request = await kube.kubeConfig.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name,
    namespace,
    // No audiences: the API server's own.
    body: { spec: { expirationSeconds: 3600, audiences: audiences ?? [] } },
  });
  const token = request.status?.token;
  if (token === undefined || token === '') throw new Error(`no token for ${namespace}/${name}`);
  return token;
}

/** A kubeconfig for the test API server that authenticates with `token`; remove() deletes it. */
export async function tokenKubeconfig(kube: KubeEnv, token: string): Promise<{ path: string; remove(): Promise<void> }> {
  const cluster = kube.kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the test kubeconfig has no current cluster');
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-sa-kubeconfig-'));
  const path = join(dir, 'kubeconfig');
  const ca = cluster.caData !== undefined ? { 'certificate-authority-data': cluster.caData } : { 'certificate-authority': cluster.caFile };
  await writeFile(path, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server: cluster.server, ...ca } }],
    users: [{ name: 'service-account', user: { token } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'service-account' } }],
    'current-context': 'test',
  }), { mode: 0o600 });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface Access {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** Whether the API server's authorizer lets ServiceAccount namespace/name do `access` (SubjectAccessReview). */
export async function serviceAccountMay(kube: KubeEnv, namespace: string, name: string, access: Access): Promise<boolean> {
  const review = await kube.kubeConfig.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
    body: {
      spec: {
        user: `system:serviceaccount:${namespace}:${name}`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
        resourceAttributes: { group: access.group ?? '', ...access },
      },
    },
  });
  return review.status?.allowed === true;
}
