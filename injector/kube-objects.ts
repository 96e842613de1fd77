// The only API server calls the injector makes: get/create/update its TLS Secret, get/patch its
// MutatingWebhookConfiguration. Thin wrappers over client-node 1.x that turn 404 into undefined and
// give every call a deadline, so one hung request cannot stall certificate rotation.
import {
  AdmissionregistrationV1Api, CoreV1Api, type KubeConfig, type V1MutatingWebhookConfiguration, type V1Secret,
} from '@kubernetes/client-node';

const CALL_TIMEOUT_MS = 30_000;

/** The HTTP status of a failed client-node call (0 when there was no answer). */
export function apiStatus(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : 0;
}

export class InjectorKube {
  readonly #core: CoreV1Api;
  readonly #admission: AdmissionregistrationV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.#core = kubeConfig.makeApiClient(CoreV1Api);
    this.#admission = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  }

  readSecret(namespace: string, name: string): Promise<V1Secret | undefined> {
    return orUndefined(deadline(this.#core.readNamespacedSecret({ name, namespace }), `get secret ${namespace}/${name}`));
  }

  createSecret(namespace: string, body: V1Secret): Promise<V1Secret> {
    return deadline(this.#core.createNamespacedSecret({ namespace, body }), `create secret ${namespace}/${body.metadata?.name ?? ''}`);
  }

  /** Fails with 409 when `body.metadata.resourceVersion` is no longer the stored one. */
  replaceSecret(namespace: string, name: string, body: V1Secret): Promise<V1Secret> {
    return deadline(this.#core.replaceNamespacedSecret({ name, namespace, body }), `update secret ${namespace}/${name}`);
  }

  readWebhookConfig(name: string): Promise<V1MutatingWebhookConfiguration | undefined> {
    return orUndefined(deadline(this.#admission.readMutatingWebhookConfiguration({ name }), `get mutatingwebhookconfiguration ${name}`));
  }

  /** A JSON patch (client-node 1.x sends patches as application/json-patch+json by default). */
  patchWebhookConfig(name: string, operations: object[]): Promise<V1MutatingWebhookConfiguration> {
    return deadline(this.#admission.patchMutatingWebhookConfiguration({ name, body: operations }), `patch mutatingwebhookconfiguration ${name}`);
  }
}

async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (apiStatus(err) === 404) return undefined;
    throw err;
  }
}

function deadline<T>(call: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(Object.assign(new Error(`${what}: no answer from the API server in ${CALL_TIMEOUT_MS / 1000} s`), { code: 0 }));
    }, CALL_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([call, timeout]).finally(() => { clearTimeout(timer); });
}
