// Writes route status (the leader only): after each translation, and on becoming leader, every
// cached route whose entries of ours (mesh and gateway controller) differ from the translator's
// gets one server-side apply of its status subresource, other controllers' entries carried along
// unchanged (status-diff.ts); a concurrent change is a 409 and is recomputed (status-apply.ts).
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/objects.js';
import { GATEWAY_CONTROLLER_NAME, MESH_CONTROLLER_NAME, type RouteStatusIR } from '../../ir/index.js';
import type { KubeHttp } from './kube-http.js';
import type { ServedResource } from './resources.js';
import { StatusApplier, type StatusWriteResult } from './status-apply.js';
import { plannedParents } from './status-diff.js';
import { StatusLoop } from './status-loop.js';

export { FIELD_MANAGER, type StatusWriteResult } from './status-apply.js';

export interface RouteSource {
  routes(): { resource: ServedResource; object: KubeObject }[];
}

export interface StatusWriterOptions {
  http: KubeHttp;
  log: Logger;
  routes: RouteSource;
  fieldManager?: string;
  /** Entries with these controllerNames are ours; default the mesh and the gateway controller. */
  controllerNames?: readonly string[];
  onWrite?: (result: StatusWriteResult) => void;
  now?: () => Date;
}

/** `Kind/namespace/name`, the key routes are matched by. */
export function routeKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export class StatusWriter {
  readonly #routes: RouteSource;
  readonly #controllerNames: readonly string[];
  readonly #applier: StatusApplier;
  readonly #loop: StatusLoop;
  #statuses: Map<string, RouteStatusIR> | undefined;
  #generations = new Map<string, number>();

  constructor(options: StatusWriterOptions) {
    this.#routes = options.routes;
    this.#controllerNames = options.controllerNames ?? [MESH_CONTROLLER_NAME, GATEWAY_CONTROLLER_NAME];
    this.#applier = new StatusApplier(options);
    this.#loop = new StatusLoop(
      () => this.#pass(),
      () => this.#statuses !== undefined,
    );
  }

  /**
   * The latest translation: statuses for routes with parentRefs of ours, and the generation of
   * every route it read (a route the cache holds at another generation waits for the next one).
   */
  update(statuses: readonly RouteStatusIR[], generations: ReadonlyMap<string, number>): void {
    this.#statuses = new Map(statuses.map((s) => [routeKey(s.kind, s.namespace, s.name), s]));
    this.#generations = new Map(generations);
    this.#loop.kick();
  }

  /** A route's status changed under us (another writer): compare again with the last translation. */
  recheck(): void {
    this.#loop.kick();
  }

  /** Only the leader writes; becoming leader writes whatever is pending. */
  setEnabled(enabled: boolean): void {
    this.#loop.setEnabled(enabled);
  }

  /** Resolves once no pass is running (tests, and close). */
  idle(): Promise<void> {
    return this.#loop.idle();
  }

  close(): Promise<void> {
    return this.#loop.close();
  }

  /** One reconciliation of every cached route; true if a write failed (and should be retried). */
  async #pass(): Promise<boolean> {
    const statuses = this.#statuses ?? new Map<string, RouteStatusIR>();
    let failed = false;
    for (const { resource, object: cached } of this.#routes.routes()) {
      if (!this.#loop.active) break;
      const key = routeKey(resource.kind, cached.metadata.namespace, cached.metadata.name);
      if (this.#generations.get(key) !== cached.metadata['generation']) continue; // a translation of this version is on its way
      const ours = statuses.get(key)?.parents ?? [];
      const ok = await this.#applier.apply(resource, this.#applier.freshest(key, cached), key, (object, now) => {
        const current = (object['status'] as { parents?: unknown } | undefined)?.parents;
        const parents = plannedParents(current, ours, this.#controllerNames, now);
        return parents === undefined ? undefined : { parents };
      });
      if (!ok) failed = true;
    }
    return failed;
  }
}
