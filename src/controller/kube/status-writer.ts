// Writes route status (the leader only): after each translation, and on becoming leader, every
// cached route whose entries of ours differ from the translator's gets one server-side apply of
// its status subresource. The apply carries the resourceVersion it was computed from, so a
// concurrent change (another controller's entry) is a 409 and we recompute from a fresh read.
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/objects.js';
import { MESH_CONTROLLER_NAME, type RouteStatusIR } from '../../ir/index.js';
import { Backoff } from '../../shared/backoff.js';
import { isConflict, isNotFound, objectPath, type KubeHttp } from './kube-http.js';
import type { ServedResource } from './resources.js';
import { plannedParents, rfc3339 } from './status-diff.js';

export type StatusWriteResult = 'applied' | 'conflict' | 'error';

export interface RouteSource {
  routes(): { resource: ServedResource; object: KubeObject }[];
}

export interface StatusWriterOptions {
  http: KubeHttp;
  log: Logger;
  routes: RouteSource;
  fieldManager?: string;
  controllerName?: string;
  onWrite?: (result: StatusWriteResult) => void;
  now?: () => Date;
}

export const FIELD_MANAGER = 'sidelane';
const MAX_CONFLICT_RETRIES = 3;

/** `Kind/namespace/name`, the key routes are matched by. */
export function routeKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export class StatusWriter {
  readonly #options: StatusWriterOptions;
  readonly #controllerName: string;
  readonly #backoff = new Backoff({ baseMs: 500, maxMs: 30_000, jitter: 'equal' });
  #statuses: Map<string, RouteStatusIR> | undefined;
  #generations = new Map<string, number>();
  /** Our last write per route, for as long as the cache still holds the version before it. */
  readonly #written = new Map<string, { staleVersion: string; object: KubeObject }>();
  #enabled = false;
  #closed = false;
  #running: Promise<void> | undefined;
  #again = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: StatusWriterOptions) {
    this.#options = options;
    this.#controllerName = options.controllerName ?? MESH_CONTROLLER_NAME;
  }

  /**
   * The latest translation: statuses for routes with parentRefs of ours, and the generation of
   * every route it read (a route the cache holds at another generation waits for the next one).
   */
  update(statuses: readonly RouteStatusIR[], generations: ReadonlyMap<string, number>): void {
    this.#statuses = new Map(statuses.map((s) => [routeKey(s.kind, s.namespace, s.name), s]));
    this.#generations = new Map(generations);
    this.#kick();
  }

  /** A route's status changed under us (another writer): compare again with the last translation. */
  recheck(): void {
    this.#kick();
  }

  /** Only the leader writes; becoming leader writes whatever is pending. */
  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    if (enabled) this.#kick();
  }

  /** Resolves once no pass is running (tests, and close). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.idle();
  }

  #kick(): void {
    if (!this.#enabled || this.#closed || this.#statuses === undefined) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      const failed = await this.#pass();
      clearTimeout(this.#retry);
      if (failed) {
        const delayMs = this.#backoff.next();
        this.#retry = setTimeout(() => {
          this.#kick();
        }, delayMs);
      } else {
        this.#backoff.reset();
      }
    } while (this.#repeat());
  }

  /** Another update arrived during the pass (a method: the flag changes behind the compiler's back). */
  #repeat(): boolean {
    return this.#again && this.#enabled && !this.#closed;
  }

  /** One reconciliation of every cached route; true if a write failed (and should be retried). */
  async #pass(): Promise<boolean> {
    const statuses = this.#statuses ?? new Map<string, RouteStatusIR>();
    let failed = false;
    for (const { resource, object: cached } of this.#options.routes.routes()) {
      if (!this.#enabled || this.#closed) break;
      const key = routeKey(resource.kind, cached.metadata.namespace, cached.metadata.name);
      const generation = cached.metadata['generation'];
      if (this.#generations.get(key) !== generation) continue; // a translation of this version is on its way
      const object = this.#freshest(key, cached);
      const ours = statuses.get(key)?.parents ?? [];
      if (!(await this.#reconcile(resource, object, ours, key))) failed = true;
    }
    return failed;
  }

  #freshest(key: string, cached: KubeObject): KubeObject {
    const written = this.#written.get(key);
    if (written !== undefined && written.staleVersion === cached.metadata['resourceVersion']) return written.object;
    this.#written.delete(key);
    return cached;
  }

  /** Applies the planned parents if they differ; false when the write failed. */
  async #reconcile(
    resource: ServedResource,
    start: KubeObject,
    ours: RouteStatusIR['parents'],
    key: string,
  ): Promise<boolean> {
    const { http, log, onWrite } = this.#options;
    const { namespace, name } = start.metadata;
    const path = objectPath(resource.apiVersion, resource.plural, namespace, name);
    let object = start;
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      const current = (object['status'] as { parents?: unknown } | undefined)?.parents;
      const now = rfc3339(this.#options.now?.() ?? new Date());
      const parents = plannedParents(current, ours, this.#controllerName, now);
      if (parents === undefined) return true;
      const resourceVersion = object.metadata['resourceVersion'];
      try {
        const applied = (await http.request('PATCH', `${path}/status?fieldManager=${encodeURIComponent(this.#options.fieldManager ?? FIELD_MANAGER)}&force=true`, {
          contentType: 'application/apply-patch+yaml',
          body: {
            apiVersion: resource.apiVersion,
            kind: resource.kind,
            metadata: { name, namespace, resourceVersion },
            status: { parents },
          },
        })) as KubeObject;
        onWrite?.('applied');
        if (typeof resourceVersion === 'string') this.#written.set(key, { staleVersion: resourceVersion, object: applied });
        log.debug({ route: key, parents: parents.length }, 'route status written');
        return true;
      } catch (err) {
        if (isNotFound(err)) return true; // deleted meanwhile: nothing to write
        if (!isConflict(err)) {
          onWrite?.('error');
          log.warn({ route: key, err }, 'route status write failed; will retry');
          return false;
        }
        onWrite?.('conflict');
        try {
          object = (await http.get(path)) as KubeObject;
        } catch (readErr) {
          if (isNotFound(readErr)) return true;
          log.warn({ route: key, err: readErr }, 'route re-read after a conflict failed; will retry');
          return false;
        }
        if (object.metadata['generation'] !== start.metadata['generation']) return true; // the next translation covers it
      }
    }
    log.warn({ route: key }, 'route status kept conflicting; will retry');
    return false;
  }
}
