// A MutatingWebhookConfiguration shaped like the chart's (two webhooks, the selectors of the issue 5
// contract), pointed at a URL and fenced to namespaces carrying a test's own label, so a webhook one
// test registers on the shared API server never sees another test's pods.
import { AdmissionregistrationV1Api, type KubeConfig, type V1MutatingWebhookConfiguration } from '@kubernetes/client-node';
import { INJECT_LABEL, NAMESPACE_INJECTION_LABEL } from '../../src/shared/pod-mesh.js';

export interface TestWebhookOptions {
  name: string;
  /** clientConfig.url, e.g. https://127.0.0.1:PORT/inject. */
  url: string;
  /** Only namespaces with this label (key=value) are seen by either webhook. */
  fence: { key: string; value: string };
  /** Namespaces never injected (the contract's kube-system and release namespace). */
  excludedNamespaces?: string[];
  failurePolicy?: 'Ignore' | 'Fail';
}

export function testWebhookConfiguration(options: TestWebhookOptions): V1MutatingWebhookConfiguration {
  const excluded = { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', ...(options.excludedNamespaces ?? ['sidelane-system'])] };
  const fence = { key: options.fence.key, operator: 'In', values: [options.fence.value] };
  const common = {
    clientConfig: { url: options.url },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    failurePolicy: options.failurePolicy ?? 'Fail',
    timeoutSeconds: 10,
    reinvocationPolicy: 'Never',
  };
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: options.name, labels: { 'sidelane.io/test': 'true' } },
    webhooks: [
      {
        ...common,
        name: 'namespace.inject.sidelane.io',
        namespaceSelector: { matchExpressions: [{ key: NAMESPACE_INJECTION_LABEL, operator: 'In', values: ['enabled'] }, excluded, fence] },
        objectSelector: { matchExpressions: [{ key: INJECT_LABEL, operator: 'NotIn', values: ['false'] }] },
      },
      {
        ...common,
        name: 'object.inject.sidelane.io',
        namespaceSelector: { matchExpressions: [{ key: NAMESPACE_INJECTION_LABEL, operator: 'DoesNotExist' }, excluded, fence] },
        objectSelector: { matchExpressions: [{ key: INJECT_LABEL, operator: 'In', values: ['true'] }] },
      },
    ],
  };
}

export async function createWebhookConfiguration(kubeConfig: KubeConfig, body: V1MutatingWebhookConfiguration): Promise<void> {
  await kubeConfig.makeApiClient(AdmissionregistrationV1Api).createMutatingWebhookConfiguration({ body });
}

/** Deletes it; one already gone is fine. */
export async function deleteWebhookConfiguration(kubeConfig: KubeConfig, name: string): Promise<void> {
  try {
    await kubeConfig.makeApiClient(AdmissionregistrationV1Api).deleteMutatingWebhookConfiguration({ name });
  } catch (err) {
    if ((err as { code?: number }).code !== 404) throw err;
  }
}

/** The caBundle of every webhook, decoded ('' where unset). */
export async function caBundles(kubeConfig: KubeConfig, name: string): Promise<string[]> {
  const config = await kubeConfig.makeApiClient(AdmissionregistrationV1Api).readMutatingWebhookConfiguration({ name });
  return (config.webhooks ?? []).map((w) => Buffer.from(w.clientConfig.caBundle ?? '', 'base64').toString());
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
