// Objects read only while something references them (Secrets named by Gateway listeners,
// ConfigMaps named by our GatewayClasses): one watch per object, with a field selector on its
// name, started and stopped as the references change. A cluster-wide watch of the kind would
// hold every credential or configuration of the cluster in our memory.
import type { Informer } from './informers.js';

export class ReferencedInformers {
  readonly #makeInformer: (namespace: string, name: string) => Informer;
  readonly #informers = new Map<string, Informer>();

  /** `makeInformer` builds (does not start) the watch of one object. */
  constructor(makeInformer: (namespace: string, name: string) => Informer) {
    this.#makeInformer = makeInformer;
  }

  /** Starts watches for newly referenced `namespace/name`s, stops those no longer referenced; true if any changed. */
  update(wanted: ReadonlySet<string>): boolean {
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
