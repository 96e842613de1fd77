// A real Kubernetes API server for integration tests. `npm test` starts one for the whole run
// (scripts/test.mjs exports SIDELANE_TEST_KUBECONFIG); a test file run alone starts its own. Tests
// make their own namespaces (uniqueNamespace) so files can share one server in parallel.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { startLocalKube, type KubeEnvOptions, type LocalKube } from '../../scripts/kube/env.js';

export interface KubeEnv {
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  server: string;
  /** Only on a private server (startKube). */
  restartApiServer?: () => Promise<void>;
  /** Stops a server this process started; a no-op for the run's shared one. */
  stop(): Promise<void>;
}

let shared: Promise<KubeEnv> | undefined;

/** The run's API server, or one for this process (stopped by the returned stop()). Gateway API CRDs are installed. */
export function sharedKube(): Promise<KubeEnv> {
  shared ??= fromRunner() ?? startKube();
  return shared;
}

/** A private API server (for tests that restart it, or that need it without CRDs). */
export async function startKube(options: Pick<KubeEnvOptions, 'crds'> = {}): Promise<KubeEnv> {
  const local: LocalKube = await startLocalKube({
    ...options,
    progress: (m) => { process.stderr.write(`[kube] ${m}\n`); },
  });
  return {
    kubeconfigPath: local.kubeconfigPath,
    kubeConfig: loadKubeConfig(local.kubeconfigPath),
    server: local.server,
    restartApiServer: () => local.restartApiServer(),
    stop: () => local.stop(),
  };
}

function fromRunner(): Promise<KubeEnv> | undefined {
  const path = process.env.SIDELANE_TEST_KUBECONFIG;
  if (path === undefined || path === '') return undefined;
  const kubeConfig = loadKubeConfig(path);
  return Promise.resolve({ kubeconfigPath: path, kubeConfig, server: kubeConfig.getCurrentCluster()?.server ?? '', stop: () => Promise.resolve() });
}

export function loadKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** Creates a namespace with a unique name (`<prefix>-<random>`), labelled so it is easy to find. */
export async function uniqueNamespace(kube: KubeEnv, prefix: string, labels: Record<string, string> = {}): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`.toLowerCase();
  await kube.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name, labels: { 'sidelane.io/test': 'true', ...labels } } } });
  return name;
}

/** Server-side applies objects (any kind) as the test's field manager, in order. */
export async function applyObjects(kube: KubeEnv, objects: KubernetesObject[], fieldManager = 'sidelane-test'): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kube.kubeConfig);
  for (const obj of objects) {
    await api.patch(obj, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
  }
}

/** Server-side applies every document of a YAML text; objects without a namespace get `namespace`. */
export async function applyYaml(kube: KubeEnv, text: string, namespace: string): Promise<void> {
  const objects = parseAllDocuments(text)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null && typeof o === 'object' && o.kind !== undefined)
    .map((o) => {
      if (o.kind === 'Namespace' || o.metadata?.namespace !== undefined) return o;
      // YAML-parsed metadata is a plain object, whatever client-node's type says.
      o.metadata = Object.assign({}, o.metadata, { namespace });
      return o;
    });
  await applyObjects(kube, objects);
}

/** Deletes an object; one already gone is fine. */
export async function deleteObject(kube: KubeEnv, obj: KubernetesObject): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kube.kubeConfig);
  try {
    await api.delete(obj);
  } catch (err) {
    if ((err as { code?: number }).code !== 404) throw err;
  }
}

/** An address test backends can listen on and EndpointSlices can name: the API server refuses
 *  loopback endpoints, so this is the machine's own non-loopback IPv4 address (traffic to it never
 *  leaves the machine). A machine without one gets 10.255.255.1 on `lo` (needs root). */
export function endpointHost(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  const fallback = '10.255.255.1';
  try {
    execFileSync('ip', ['addr', 'replace', `${fallback}/32`, 'dev', 'lo'], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`no non-loopback IPv4 address for test endpoints, and adding ${fallback} to lo failed (run as root): ${String(err)}`);
  }
  return fallback;
}
