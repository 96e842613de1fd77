// Installs the Gateway API v1.6.1 CRDs into a local API server with server-side apply (the
// HTTPRoute CRD is too large for client-side apply's last-applied annotation) and waits until
// every CRD is Established, so a test can create routes right after.
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

export const GATEWAY_API_VERSION = 'v1.6.1';
export type CrdChannel = 'standard' | 'experimental';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The release's install manifest: a local copy when one is beside the checkout, else downloaded once. */
export async function gatewayApiManifest(channel: CrdChannel): Promise<string> {
  const file = `${channel}-install.yaml`;
  const candidates = [
    process.env.SIDELANE_GATEWAY_API_DIR,
    join(projectRoot, '..', 'shared', 'gateway-api', GATEWAY_API_VERSION),
    join('/work/shared/gateway-api', GATEWAY_API_VERSION),
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sidelane', 'gateway-api', GATEWAY_API_VERSION),
  ].filter((d): d is string => d !== undefined && d !== '');
  for (const dir of candidates) {
    const path = join(dir, file);
    if (await access(path).then(() => true, () => false)) return readFile(path, 'utf8');
  }
  const url = `https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/${file}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) }).catch((err: unknown) => {
    throw new Error(`Gateway API CRDs not found locally (set SIDELANE_GATEWAY_API_DIR) and ${url} unreachable: ${String(err)}`);
  });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  const text = await res.text();
  const cache = candidates[candidates.length - 1] ?? '.';
  await mkdir(cache, { recursive: true });
  await writeFile(join(cache, file), text);
  return text;
}

export async function installGatewayApiCrds(kubeconfigPath: string, channel: CrdChannel, only?: (name: string) => boolean): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const api = KubernetesObjectApi.makeApiClient(kc);
  const objects = parseAllDocuments(await gatewayApiManifest(channel))
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o?.kind === 'CustomResourceDefinition')
    .filter((o) => only === undefined || only(o.metadata?.name ?? ''));
  for (const crd of objects) {
    await api.patch(crd, undefined, undefined, 'sidelane-test-setup', true, PatchStrategy.ServerSideApply);
  }
  await waitEstablished(api, objects.map((o) => o.metadata?.name ?? ''));
}

async function waitEstablished(api: KubernetesObjectApi, names: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      type Crd = KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } };
      const crd = await api.read<Crd>({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name } });
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established after ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}
