// Secrets are read only when a Gateway listener names them (certificateRefs): one watch per
// Secret, with a field selector on its name, started and stopped as the references change. A
// cluster-wide Secret watch would hold every credential of the cluster in our memory.
import type { KubeObject } from '../../api/objects.js';
import type { Informer } from './informers.js';

/** `namespace/name` of every Secret a Gateway listener references. */
export function referencedSecrets(gateways: readonly KubeObject[]): Set<string> {
  const refs = new Set<string>();
  for (const gateway of gateways) {
    const listeners = (gateway['spec'] as { listeners?: unknown } | undefined)?.listeners;
    if (!Array.isArray(listeners)) continue;
    for (const listener of listeners) {
      const certificateRefs = (listener as { tls?: { certificateRefs?: unknown } } | null)?.tls?.certificateRefs;
      if (!Array.isArray(certificateRefs)) continue;
      for (const ref of certificateRefs as unknown[]) {
        if (typeof ref !== 'object' || ref === null) continue;
        const { group, kind, name, namespace } = ref as Record<string, unknown>;
        if ((group ?? '') !== '' || (kind ?? 'Secret') !== 'Secret' || typeof name !== 'string') continue;
        const ns = typeof namespace === 'string' && namespace !== '' ? namespace : gateway.metadata.namespace;
        if (ns) refs.add(`${ns}/${name}`);
      }
    }
  }
  return refs;
}

export class SecretInformers {
  readonly #makeInformer: (namespace: string, name: string) => Informer;
  readonly #informers = new Map<string, Informer>();

  constructor(makeInformer: (namespace: string, name: string) => Informer) {
    this.#makeInformer = makeInformer;
  }

  /** Starts watches for newly referenced Secrets, stops those no longer referenced; true if any changed. */
  update(gateways: readonly KubeObject[]): boolean {
    const wanted = referencedSecrets(gateways);
    let changed = false;
    for (const [key, informer] of this.#informers) {
      if (wanted.has(key)) continue;
      this.#informers.delete(key);
      void informer.stop();
      changed = true;
    }
    for (const key of wanted) {
      if (this.#informers.has(key)) continue;
      const slash = key.indexOf('/');
      const informer = this.#makeInformer(key.slice(0, slash), key.slice(slash + 1));
      this.#informers.set(key, informer);
      informer.start();
      changed = true;
    }
    return changed;
  }

  informers(): Informer[] {
    return [...this.#informers.values()];
  }

  async close(): Promise<void> {
    const informers = [...this.#informers.values()];
    this.#informers.clear();
    await Promise.all(informers.map((i) => i.stop()));
  }
}
