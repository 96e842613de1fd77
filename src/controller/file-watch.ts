// File mode of the control plane (`sidelane run -f`): the manifests come from files instead of the
// API server. Loads them, hands each new IR to onConfig, and keeps watching: an edit is applied
// after a short debounce; a load with any error changes nothing (the last good config stays) and
// is reported to onProblem, so a typo never takes routes away from running proxies.
import { loadConfig, type ConfigUpdate, type LoadFailure, type LoadSettings } from './file-watch-load.js';
import { ManifestPathWatcher, type WatchFailure } from './file-watch-paths.js';

export type { ConfigUpdate, LoadFailure } from './file-watch-load.js';

/** A load that was not applied, or a path that could not be watched. */
export interface LoadReport extends LoadFailure {
  /** Version of the config still in force; undefined when no load has succeeded yet. */
  kept: string | undefined;
}

export interface WatchManifestsOptions {
  /** Files (any extension) and directories (searched for *.yaml, *.yml, *.json), as `-f`. */
  paths: string[];
  /** Namespace of objects that name none. */
  defaultNamespace: string;
  clusterDomain?: string;
  /** Reported as every Gateway's status.addresses (where `sidelane run` serves the listeners). */
  gatewayAddresses?: LoadSettings['gatewayAddresses'];
  /** Quiet time after the last file event before a load; default 100 ms. */
  debounceMs?: number;
  /** A load produced an IR whose version differs from the current one (or the first good load). */
  onConfig: (update: ConfigUpdate) => void;
  /** A load failed (the last good config stays), or a path could not be watched. */
  onProblem: (report: LoadReport) => void;
  /**
   * A good load after a failed one that left the IR as it was (a typo fixed back), so a log can
   * say the problem is over; onConfig is not called because nothing changed.
   */
  onRecovered?: (update: ConfigUpdate) => void;
}

export interface ManifestWatcher {
  /** The config last handed to onConfig; undefined until a load succeeds. */
  current(): ConfigUpdate | undefined;
  /** Loads now (for SIGHUP and tests); resolves when a load begun after the call has finished. */
  reload(): Promise<void>;
  /** Stops watching; no callback is called once it resolves. */
  close(): Promise<void>;
}

export const DEFAULT_DEBOUNCE_MS = 100;

/**
 * Starts watching, then loads once; resolves after that first load, whatever its outcome (a
 * broken file at startup is reported and the watcher still runs, so fixing the file works).
 * Callbacks must not throw: an exception rejects the load's reload() or, for a load started by
 * a file event, becomes an unhandled rejection.
 */
export async function watchManifests(options: WatchManifestsOptions): Promise<ManifestWatcher> {
  const source = new FileConfigSource(options);
  try {
    await source.start();
  } catch (err) {
    await source.close();
    throw err;
  }
  return source;
}

class FileConfigSource implements ManifestWatcher {
  readonly #options: WatchManifestsOptions;
  readonly #settings: LoadSettings;
  readonly #debounceMs: number;
  #paths: ManifestPathWatcher | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #current: ConfigUpdate | undefined;
  /** The last load failed: the next good one is a recovery even if the IR did not change. */
  #failing = false;
  /** A load was asked for that has not started yet. */
  #pending = false;
  /** The loop running loads one after another, while any is running. */
  #running: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: WatchManifestsOptions) {
    this.#options = options;
    this.#settings = {
      paths: options.paths,
      defaultNamespace: options.defaultNamespace,
      ...(options.clusterDomain === undefined ? {} : { clusterDomain: options.clusterDomain }),
      ...(options.gatewayAddresses === undefined ? {} : { gatewayAddresses: options.gatewayAddresses }),
    };
    this.#debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  }

  async start(): Promise<void> {
    // Watch first, load second: an edit made while the first load reads the files is not lost.
    this.#paths = await ManifestPathWatcher.start({
      paths: this.#options.paths,
      onChange: () => {
        this.#schedule();
      },
      onError: (failure) => {
        this.#watchFailed(failure);
      },
    });
    await this.reload();
  }

  current(): ConfigUpdate | undefined {
    return this.#current;
  }

  reload(): Promise<void> {
    if (this.#closing !== undefined) return Promise.resolve();
    // The load about to run reads everything, so a debounced one still waiting is redundant.
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = true;
    this.#running ??= this.#drain();
    return this.#running;
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // Its failure (a throwing callback) was already reported to whoever awaited it.
    await this.#running?.catch(() => undefined);
    await this.#paths?.close();
  }

  #schedule(): void {
    if (this.#closing !== undefined) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.reload();
    }, this.#debounceMs);
  }

  /** Loads until no request is left; requests made meanwhile are served by one more load. */
  async #drain(): Promise<void> {
    try {
      while (this.#pending && this.#closing === undefined) {
        this.#pending = false;
        await this.#loadOnce();
      }
    } finally {
      // Reached synchronously after the last check of #pending, so no request falls in between.
      this.#running = undefined;
    }
  }

  async #loadOnce(): Promise<void> {
    try {
      await this.#paths?.refresh();
    } catch (err) {
      // Loading still works without a fresh watcher; only later edits might go unseen.
      this.#watchFailed({ path: this.#settings.paths.join(', '), message: err instanceof Error ? err.message : String(err) });
    }
    const outcome = await loadConfig(this.#settings);
    if (this.#closing !== undefined) return;
    if (!outcome.ok) {
      this.#failing = true;
      const { errors, irProblems, warnings, files } = outcome;
      this.#options.onProblem({ errors, irProblems, warnings, files, kept: this.#current?.version });
      return;
    }
    const recovered = this.#failing;
    this.#failing = false;
    const { update } = outcome;
    const current = this.#current;
    if (current !== undefined && update.version === current.version) {
      if (recovered) this.#options.onRecovered?.(current);
      return;
    }
    this.#current = update;
    this.#options.onConfig(update);
  }

  #watchFailed(failure: WatchFailure): void {
    if (this.#closing !== undefined) return;
    this.#options.onProblem({
      errors: [{ source: failure.path, message: `cannot watch: ${failure.message}` }],
      irProblems: [],
      warnings: [],
      files: this.#current?.files ?? [],
      kept: this.#current?.version,
    });
  }
}
