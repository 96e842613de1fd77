// Informers for the Gateway API kinds, which exist only while their CRDs do. Discovery says which
// kinds are served (and at which version); a missing kind counts as present-and-empty, is
// reported, and is looked for again every crdRetryMs so installing the CRD later just works.
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from '../../shared/backoff.js';
import { discoverGatewayResources } from './crd-presence.js';
import type { Informer } from './informers.js';
import type { KubeHttp } from './kube-http.js';
import { crdName, GATEWAY_RESOURCES, type GatewayResource, type ServedResource } from './resources.js';

export interface GatewayInformersOptions {
  http: KubeHttp;
  log: Logger;
  crdRetryMs: number;
  /** Builds (does not start) an informer; `notFound` is to be called when it stops on a 404. */
  makeInformer: (resource: ServedResource, notFound: () => void) => Informer;
  /** The set of informers or of missing kinds changed. */
  onChange: () => void;
  backoff?: BackoffOptions;
}

type Kind = GatewayResource['kind'];

export class GatewayInformers {
  readonly #options: GatewayInformersOptions;
  readonly #informers = new Map<Kind, Informer>();
  readonly #missing = new Set<Kind>();
  readonly #backoff: Backoff;
  #discovered = false;
  #discoveryProblem: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: GatewayInformersOptions) {
    this.#options = options;
    this.#backoff = new Backoff({ jitter: 'equal', ...options.backoff });
  }

  start(): void {
    void this.#discover();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
  }

  /** Discovery has answered at least once, so every kind is either watched or known missing. */
  get discovered(): boolean {
    return this.#discovered;
  }

  informers(): Informer[] {
    return [...this.#informers.values()];
  }

  informer(kind: string): Informer | undefined {
    return this.#informers.get(kind as Kind);
  }

  problems(): string[] {
    const problems = GATEWAY_RESOURCES.filter((r) => this.#missing.has(r.kind)).map((r) => `${crdName(r)} not installed`);
    if (this.#discoveryProblem !== undefined) problems.unshift(this.#discoveryProblem);
    return problems;
  }

  async #discover(): Promise<void> {
    const { http, log } = this.#options;
    let presence;
    try {
      presence = await discoverGatewayResources(http);
    } catch (err) {
      if (this.#closed) return;
      const delayMs = this.#backoff.next();
      this.#discoveryProblem = `Gateway API discovery failed: ${err instanceof Error ? err.message : String(err)}`;
      log.warn({ err, retryInMs: delayMs }, 'Gateway API discovery failed; retrying');
      this.#schedule(delayMs);
      this.#options.onChange();
      return;
    }
    if (this.#closed) return;
    this.#backoff.reset();
    let changed = !this.#discovered || this.#discoveryProblem !== undefined;
    this.#discoveryProblem = undefined;
    this.#discovered = true;
    for (const resource of GATEWAY_RESOURCES) {
      const served = presence.get(resource.kind);
      // A kind already watched stays as it is: if it really went away, its watch gets a 404.
      if (this.#informers.has(resource.kind)) continue;
      if (served) {
        if (this.#missing.delete(resource.kind)) log.info({ crd: crdName(resource), apiVersion: served.apiVersion }, 'CRD installed; watching it');
        this.#watch(served);
        changed = true;
      } else if (!this.#missing.has(resource.kind)) {
        this.#missing.add(resource.kind);
        changed = true;
        log.warn({ crd: crdName(resource), retryInMs: this.#options.crdRetryMs }, 'CRD not installed; its kind counts as empty');
      }
    }
    if (this.#missing.size > 0) this.#schedule(this.#options.crdRetryMs);
    if (changed) this.#options.onChange();
  }

  #watch(served: ServedResource): void {
    const kind = served.kind as Kind;
    const informer = this.#options.makeInformer(served, () => {
      this.#lost(kind, informer);
    });
    this.#informers.set(kind, informer);
    informer.start();
  }

  /** The informer got a 404: the CRD (or the version we watch) was removed. */
  #lost(kind: Kind, informer: Informer): void {
    if (this.#closed || this.#informers.get(kind) !== informer) return;
    this.#informers.delete(kind);
    this.#missing.add(kind);
    const resource = GATEWAY_RESOURCES.find((r) => r.kind === kind);
    this.#options.log.warn({ crd: resource ? crdName(resource) : kind }, 'resource no longer served; its kind counts as empty');
    this.#schedule(Math.min(this.#options.crdRetryMs, 1000));
    this.#options.onChange();
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#discover();
    }, delayMs);
  }
}
