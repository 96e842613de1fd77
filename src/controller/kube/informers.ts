// One resource kept in memory by list + watch: client-node's ListWatch does the bookkeeping
// (resourceVersion, relist on 410 Gone, resuming a watch the server closed); this module adds
// what it lacks: bookmarks, raw JSON lists, restart with backoff after other errors, a
// "synced" signal, and "not served" (404) as its own outcome so a missing CRD is not retried here.
import { ListWatch, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/objects.js';
import { Backoff, type BackoffOptions } from '../../shared/backoff.js';
import { collectionPath, type KubeHttp } from './kube-http.js';
import type { ServedResource } from './resources.js';

export type ChangeType = 'add' | 'update' | 'delete';

export interface InformerOptions {
  kubeConfig: KubeConfig;
  http: KubeHttp;
  log: Logger;
  resource: ServedResource;
  /** Watch one namespace only (per-Secret watches); all namespaces when undefined. */
  namespace?: string;
  fieldSelector?: string;
  /** An object was added, changed or deleted, by a watch event or by a relist's differences. */
  onChange: (type: ChangeType, obj: KubeObject) => void;
  /** The first list is in the cache: from now on list() is complete. Called once. */
  onSynced?: () => void;
  /** Every watch event (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR), for metrics. */
  onWatchEvent?: (type: string) => void;
  /** The resource is not served (404 on list or watch); the informer has stopped. */
  onNotFound?: () => void;
  /** A problem began (string) or ended (undefined); the informer keeps retrying meanwhile. */
  onProblem?: (problem: string | undefined) => void;
  backoff?: BackoffOptions;
  /** Server-side watch timeout range in seconds; client-go's 5-10 minutes by default. */
  watchTimeoutSeconds?: [min: number, max: number];
}

const LIST_PAGE_SIZE = 500;

export class Informer {
  readonly #options: InformerOptions;
  readonly #listWatch: ListWatch<KubernetesObject>;
  readonly #backoff: Backoff;
  #stopped = true;
  #synced = false;
  #problem: string | undefined;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: InformerOptions) {
    this.#options = options;
    this.#backoff = new Backoff({ jitter: 'equal', ...options.backoff });
    const { resource, namespace } = options;
    const path = collectionPath(resource.apiVersion, resource.plural, namespace);
    const watch = new BookmarkWatch(options.kubeConfig, {
      stopped: () => this.#stopped,
      watchStarting: () => {
        this.#markSynced();
      },
      connected: () => {
        this.#backoff.reset();
        this.#setProblem(undefined);
      },
      event: (type, obj) => {
        options.onWatchEvent?.(type);
        // 410 Gone is handled by ListWatch (relist); anything else is worth a line in the log.
        if (type === 'ERROR') options.log.debug({ resource: resource.plural, status: obj }, 'watch error event');
      },
      timeoutSeconds: options.watchTimeoutSeconds ?? [300, 600],
    });
    this.#listWatch = new ListWatch(path, watch, () => this.#list(path), false, undefined, options.fieldSelector);
    for (const type of ['add', 'update', 'delete'] as const) {
      this.#listWatch.on(type, (obj) => {
        if (!this.#stopped) options.onChange(type, obj as KubeObject);
      });
    }
    this.#listWatch.on('error', (err: unknown) => {
      this.#failed(err);
    });
  }

  get resource(): ServedResource {
    return this.#options.resource;
  }

  /** The first list has been applied (stays true through later errors: the cache is kept). */
  get synced(): boolean {
    return this.#synced;
  }

  get problem(): string | undefined {
    return this.#problem;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    await this.#listWatch.stop();
  }

  list(): KubeObject[] {
    return this.#listWatch.list() as KubeObject[];
  }

  get(name: string, namespace?: string): KubeObject | undefined {
    return this.#listWatch.get(name, namespace) as KubeObject | undefined;
  }

  #run(): void {
    this.#listWatch.start().catch((err: unknown) => {
      this.#failed(err);
    });
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    this.#options.onSynced?.();
  }

  #failed(err: unknown): void {
    if (this.#stopped) return;
    const { resource, log } = this.#options;
    // Only a resource that may legitimately be absent (a CRD) stops on 404; a core kind retries.
    if (statusCodeOf(err) === 404 && this.#options.onNotFound) {
      log.debug({ resource: resource.plural, err }, 'resource not served');
      void this.stop();
      this.#options.onNotFound();
      return;
    }
    const delayMs = this.#backoff.next();
    const message = err instanceof Error ? err.message : String(err);
    this.#setProblem(`${resource.plural}: ${message}`);
    log.warn({ resource: resource.plural, namespace: this.#options.namespace, err, retryInMs: delayMs }, 'watch failed; retrying');
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (!this.#stopped) this.#run();
    }, delayMs);
  }

  #setProblem(problem: string | undefined): void {
    if (problem === this.#problem) return;
    this.#problem = problem;
    this.#options.onProblem?.(problem);
  }

  /** A raw, paginated list; items get the apiVersion and kind that lists leave out. */
  async #list(path: string): Promise<{ items: KubernetesObject[]; metadata: { resourceVersion: string } }> {
    const { resource, fieldSelector, http } = this.#options;
    const items: KubernetesObject[] = [];
    let resourceVersion = '';
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(LIST_PAGE_SIZE) });
      if (fieldSelector !== undefined) query.set('fieldSelector', fieldSelector);
      if (token !== undefined) query.set('continue', token);
      const page = (await http.get(`${path}?${query.toString()}`)) as RawList | undefined;
      for (const item of page?.items ?? []) {
        items.push(trimmed({ ...item, apiVersion: resource.apiVersion, kind: resource.kind }));
      }
      // Every page of a paginated list is read at the first page's resourceVersion.
      resourceVersion ||= page?.metadata?.resourceVersion ?? '';
      token = page?.metadata?.continue || undefined;
    } while (token !== undefined);
    return { items, metadata: { resourceVersion } };
  }
}

interface RawList {
  items?: KubernetesObject[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/** managedFields can be most of an object's size and nothing here reads them. */
function trimmed(obj: KubernetesObject): KubernetesObject {
  if (obj.metadata?.managedFields !== undefined) {
    const { managedFields: _dropped, ...metadata } = obj.metadata;
    return { ...obj, metadata };
  }
  return obj;
}

function statusCodeOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { statusCode, code } = err as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode === 'number') return statusCode;
  return typeof code === 'number' ? code : undefined;
}

interface WatchHooks {
  stopped: () => boolean;
  /** ListWatch starts a watch only after applying its list. */
  watchStarting: () => void;
  connected: () => void;
  event: (type: string, obj: unknown) => void;
  timeoutSeconds: [number, number];
}

/**
 * client-node's Watch, asking for bookmarks (so a resumed watch rarely needs a relist) and a
 * server-side timeout (so a silently dead connection is replaced), and quiet once stopped (an
 * aborted request must not read as an error, and a list that finishes after stop() must not
 * start a new watch).
 */
class BookmarkWatch extends Watch {
  readonly #hooks: WatchHooks;

  constructor(kubeConfig: KubeConfig, hooks: WatchHooks) {
    super(kubeConfig);
    this.#hooks = hooks;
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    const hooks = this.#hooks;
    if (hooks.stopped()) {
      const idle = new AbortController();
      idle.abort();
      return idle;
    }
    hooks.watchStarting();
    const [min, max] = hooks.timeoutSeconds;
    const params = { ...queryParams, allowWatchBookmarks: true, timeoutSeconds: Math.round(min + Math.random() * (max - min)) };
    const outcome = { failed: false };
    const controller = await super.watch(
      path,
      params,
      (phase: string, apiObj: unknown, watchObj?: unknown) => {
        if (hooks.stopped()) return;
        hooks.event(phase, apiObj);
        const obj = typeof apiObj === 'object' && apiObj !== null ? trimmed(apiObj) : apiObj;
        callback(phase, obj, watchObj);
      },
      (err: unknown) => {
        if (err) outcome.failed = true;
        if (!hooks.stopped()) done(err);
      },
    );
    if (hooks.stopped()) controller.abort();
    else if (!outcome.failed) hooks.connected();
    return controller;
  }
}
