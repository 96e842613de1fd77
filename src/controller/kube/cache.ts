// The controller's view of the cluster: informers for every kind the translator reads, and the
// ClusterSnapshot built from them through the same classify() as file mode, so Gateway API
// objects of any served version reach the translator converted to v1 and defaulted. Secrets and
// ConfigMaps are read only while a Gateway or one of our GatewayClasses names them.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { classify, type Classified, type ClassifyMemo, type KubeObject } from '../../api/objects.js';
import { GATEWAY_CONTROLLER_NAME } from '../../ir/index.js';
import type { BackoffOptions } from '../../shared/backoff.js';
import { referencedConfigMaps } from './configmap-informers.js';
import { GatewayInformers } from './gateway-informers.js';
import { Informer, type ChangeType } from './informers.js';
import type { KubeHttp } from './kube-http.js';
import { ReferencedInformers } from './referenced-informers.js';
import { CONFIGMAP_RESOURCE, CORE_RESOURCES, ROUTE_KINDS, SECRET_RESOURCE, STATUS_KINDS, type ServedResource } from './resources.js';
import { referencedSecrets } from './secret-informers.js';

export interface ClusterCacheOptions {
  kubeConfig: KubeConfig;
  http: KubeHttp;
  log: Logger;
  crdRetryMs: number;
  /** Anything the snapshot is built from changed (objects, watched kinds, sync state). */
  onChange: () => void;
  /**
   * A route, Gateway or GatewayClass changed in its status only (our own status write coming
   * back, or another controller's): nothing to translate, but the status writers may need to
   * look again.
   */
  onStatusOnly?: () => void;
  /** A watch event arrived, for metrics. */
  onWatchEvent?: (kind: string, type: string) => void;
  backoff?: BackoffOptions;
  watchTimeoutSeconds?: [number, number];
  /** GatewayClasses with this controllerName are ours (their parametersRef ConfigMaps are read); default sidelane.io/gateway-controller. */
  gatewayControllerName?: string;
}

/** Namespace given to objects without one; objects from the API server always have one. */
const NO_NAMESPACE = 'default';

export class ClusterCache {
  readonly #options: ClusterCacheOptions;
  readonly #core: Informer[];
  readonly #gateway: GatewayInformers;
  readonly #secrets: ReferencedInformers;
  readonly #configMaps: ReferencedInformers;
  #wasSynced = false;
  #closed = false;

  constructor(options: ClusterCacheOptions) {
    this.#options = options;
    this.#core = CORE_RESOURCES.map((resource) => this.#informer(resource));
    this.#gateway = new GatewayInformers({
      http: options.http,
      log: options.log,
      crdRetryMs: options.crdRetryMs,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      makeInformer: (resource, notFound) => this.#informer(resource, { notFound }),
      onChange: () => {
        // The Gateway or GatewayClass kind itself may have come or gone.
        this.#followReferences();
        this.#changed();
      },
    });
    this.#secrets = new ReferencedInformers((namespace, name) =>
      this.#informer(SECRET_RESOURCE, { namespace, fieldSelector: `metadata.name=${name}` }),
    );
    this.#configMaps = new ReferencedInformers((namespace, name) =>
      this.#informer(CONFIGMAP_RESOURCE, { namespace, fieldSelector: `metadata.name=${name}` }),
    );
  }

  start(): void {
    for (const informer of this.#core) informer.start();
    this.#gateway.start();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#core.map((i) => i.stop()), this.#gateway.close(), this.#secrets.close(), this.#configMaps.close()]);
  }

  /**
   * Every kind has been listed once (a missing CRD counts as listed and empty). Stays true
   * afterwards: a kind whose watch breaks keeps its last contents while it reconnects.
   */
  synced(): boolean {
    if (this.#wasSynced) return true;
    this.#wasSynced =
      this.#core.every((i) => i.synced) && this.#gateway.discovered && this.#gateway.informers().every((i) => i.synced);
    return this.#wasSynced;
  }

  problems(): string[] {
    const informers = this.#allInformers();
    return [
      ...this.#gateway.problems(),
      ...informers.map((i) => i.problem).filter((p): p is string => p !== undefined),
    ];
  }

  /**
   * An informer keeps an object's reference until the object changes, so conversion and
   * defaulting (most of classify's cost) run once per object version, not once per translation.
   */
  readonly #classified: ClassifyMemo = new WeakMap();
  /** What the translator reads of each object with a status, to tell a status-only update from a real one. */
  readonly #specFingerprints = new Map<string, string>();

  /** The translator's input, through classify like file mode (errors: objects it could not use). */
  snapshot(): Classified {
    const informers = this.#allInformers();
    return classify(
      informers.flatMap((i) => i.list()),
      NO_NAMESPACE,
      this.#classified,
    );
  }

  /** Route objects as stored (not converted), with the resource they are served as. */
  routes(): { resource: ServedResource; object: KubeObject }[] {
    return this.#gateway
      .informers()
      .filter((i) => ROUTE_KINDS.has(i.resource.kind))
      .flatMap((i) => i.list().map((object) => ({ resource: i.resource, object })));
  }

  route(kind: string, namespace: string, name: string): { resource: ServedResource; object: KubeObject | undefined } | undefined {
    return this.gatewayObject(kind, namespace, name);
  }

  /** Any Gateway API object as stored (not converted), with the resource it is served as; undefined while its kind is not watched. */
  gatewayObject(kind: string, namespace: string | undefined, name: string): { resource: ServedResource; object: KubeObject | undefined } | undefined {
    const informer = this.#gateway.informer(kind);
    return informer ? { resource: informer.resource, object: informer.get(name, namespace) } : undefined;
  }

  #allInformers(): Informer[] {
    return [...this.#core, ...this.#gateway.informers(), ...this.#secrets.informers(), ...this.#configMaps.informers()];
  }

  /** Watches exactly the Secrets Gateways name and the ConfigMaps our GatewayClasses name. */
  #followReferences(): void {
    this.#secrets.update(referencedSecrets(this.#gateway.informer('Gateway')?.list() ?? []));
    const controllerName = this.#options.gatewayControllerName ?? GATEWAY_CONTROLLER_NAME;
    this.#configMaps.update(referencedConfigMaps(this.#gateway.informer('GatewayClass')?.list() ?? [], controllerName));
  }

  #informer(resource: ServedResource, extra: { namespace?: string; fieldSelector?: string; notFound?: () => void } = {}): Informer {
    const { kubeConfig, http, log, backoff, watchTimeoutSeconds, onWatchEvent } = this.#options;
    return new Informer({
      kubeConfig,
      http,
      log,
      resource,
      ...(extra.namespace === undefined ? {} : { namespace: extra.namespace }),
      ...(extra.fieldSelector === undefined ? {} : { fieldSelector: extra.fieldSelector }),
      ...(backoff ? { backoff } : {}),
      ...(watchTimeoutSeconds ? { watchTimeoutSeconds } : {}),
      onChange: (type, obj) => {
        this.#objectChanged(resource, type, obj);
      },
      onSynced: () => {
        this.#changed();
      },
      onWatchEvent: (type) => onWatchEvent?.(resource.kind, type),
      ...(extra.notFound ? { onNotFound: extra.notFound } : {}),
    });
  }

  #objectChanged(resource: ServedResource, type: ChangeType, obj: KubeObject): void {
    if (STATUS_KINDS.has(resource.kind)) {
      // Every status write comes back as a watch event; at 10,000 routes a translation it would
      // trigger costs seconds and changes nothing. An object's spec, labels and annotations are
      // what the translator reads, and the API server bumps generation on every spec change.
      const key = `${resource.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
      const seen = this.#specFingerprints.get(key);
      const now = specFingerprint(obj);
      if (type === 'delete') this.#specFingerprints.delete(key);
      else this.#specFingerprints.set(key, now);
      if (type === 'update' && seen === now) {
        if (!this.#closed) this.#options.onStatusOnly?.();
        return;
      }
    }
    if (resource.kind === 'Gateway' || resource.kind === 'GatewayClass') this.#followReferences();
    this.#changed();
  }

  #changed(): void {
    if (!this.#closed) this.#options.onChange();
  }
}

function specFingerprint(obj: KubeObject): string {
  const m = obj.metadata as KubeObject['metadata'] & { generation?: number; deletionTimestamp?: string; annotations?: unknown };
  return JSON.stringify([m.generation ?? null, m.labels ?? null, m.annotations ?? null, m.deletionTimestamp ?? null]);
}
