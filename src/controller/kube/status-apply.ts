// One status write: a server-side apply of the status subresource (field manager `sidelane`)
// carrying the resourceVersion the status was computed from, so a concurrent change is a 409 and
// the status is computed again from a fresh read. Our last write is remembered until the cache
// catches up, so a pass running before the watch event does not write the same thing twice.
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/objects.js';
import { isConflict, isNotFound, objectPath, type KubeHttp } from './kube-http.js';
import type { ServedResource } from './resources.js';
import { rfc3339 } from './status-diff.js';

export type StatusWriteResult = 'applied' | 'conflict' | 'error';

export const FIELD_MANAGER = 'sidelane';
const MAX_CONFLICT_RETRIES = 3;

export interface StatusApplierOptions {
  http: KubeHttp;
  log: Logger;
  fieldManager?: string;
  onWrite?: (result: StatusWriteResult) => void;
  now?: () => Date;
}

/** From the object as stored and the time now, the status to apply; undefined when it already holds. */
export type StatusPlan = (object: KubeObject, now: string) => Record<string, unknown> | undefined;

export class StatusApplier {
  readonly #options: StatusApplierOptions;
  /** Our last write per object, for as long as the cache still holds the version before it. */
  readonly #written = new Map<string, { staleVersion: string; object: KubeObject }>();

  constructor(options: StatusApplierOptions) {
    this.#options = options;
  }

  /** The cached object, or our own write if the cache has not seen it yet. */
  freshest(key: string, cached: KubeObject): KubeObject {
    const written = this.#written.get(key);
    if (written !== undefined && written.staleVersion === cached.metadata['resourceVersion']) return written.object;
    this.#written.delete(key);
    return cached;
  }

  /**
   * Applies `plan`'s status if it has one; after a conflict, reads the object again and plans
   * again (unless its generation moved: the next translation covers it). False when the write
   * failed and should be retried later.
   */
  async apply(resource: ServedResource, start: KubeObject, key: string, plan: StatusPlan): Promise<boolean> {
    const { http, log, onWrite } = this.#options;
    const { namespace, name } = start.metadata;
    const path = objectPath(resource.apiVersion, resource.plural, namespace, name);
    const manager = encodeURIComponent(this.#options.fieldManager ?? FIELD_MANAGER);
    let object = start;
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      const status = plan(object, rfc3339(this.#options.now?.() ?? new Date()));
      if (status === undefined) return true;
      const resourceVersion = object.metadata['resourceVersion'];
      try {
        const applied = (await http.request('PATCH', `${path}/status?fieldManager=${manager}&force=true`, {
          contentType: 'application/apply-patch+yaml',
          body: {
            apiVersion: resource.apiVersion,
            kind: resource.kind,
            metadata: { name, ...(namespace === undefined ? {} : { namespace }), resourceVersion },
            status,
          },
        })) as KubeObject;
        onWrite?.('applied');
        if (typeof resourceVersion === 'string') this.#written.set(key, { staleVersion: resourceVersion, object: applied });
        log.debug({ object: key }, 'status written');
        return true;
      } catch (err) {
        if (isNotFound(err)) return true; // deleted meanwhile: nothing to write
        if (!isConflict(err)) {
          onWrite?.('error');
          log.warn({ object: key, err }, 'status write failed; will retry');
          return false;
        }
        onWrite?.('conflict');
        try {
          object = (await http.get(path)) as KubeObject;
        } catch (readErr) {
          if (isNotFound(readErr)) return true;
          log.warn({ object: key, err: readErr }, 're-read after a conflict failed; will retry');
          return false;
        }
        if (object.metadata['generation'] !== start.metadata['generation']) return true;
      }
    }
    log.warn({ object: key }, 'status kept conflicting; will retry');
    return false;
  }
}
