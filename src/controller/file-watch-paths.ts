// Watches the paths given to `sidelane run -f` for anything that could change what
// loadManifestFiles reads, and says so through one callback; it never reads a manifest itself.
// Two chokidar watchers, because chokidar forgets a watched path once it is deleted: one on the
// parent directory of every path (depth 0), which sees a path deleted, created or renamed over;
// and one on the paths that are directories (recursive), rebuilt when such a directory is replaced.
import { realpathSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve, sep } from 'node:path';
import { watch, type ChokidarOptions, type FSWatcher } from 'chokidar';

/** What loadManifestFiles reads inside a directory (filesource.ts keeps the same list). */
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface WatchFailure {
  /** The path chokidar could not watch, or the watched paths when it does not say. */
  path: string;
  message: string;
}

export interface PathWatcherOptions {
  paths: string[];
  /** Something under the paths changed; called once per file-system event, so debounce it. */
  onChange: () => void;
  onError: (failure: WatchFailure) => void;
}

export class ManifestPathWatcher {
  readonly #roots: string[];
  readonly #rootSet: Set<string>;
  readonly #onChange: () => void;
  readonly #onError: (failure: WatchFailure) => void;
  #parents: FSWatcher | undefined;
  #tree: FSWatcher | undefined;
  /** The directories (and their inodes) #tree was built for. */
  #treeIdentity: string | undefined;
  #closed = false;

  private constructor(options: PathWatcherOptions) {
    // Resolved once, so `examples/` and `./examples` name the same root in every comparison.
    this.#roots = [...new Set(options.paths.map((p) => resolve(p)))];
    this.#rootSet = new Set(this.#roots);
    this.#onChange = options.onChange;
    this.#onError = options.onError;
  }

  /** Resolves once both watchers have scanned their paths: an edit after that is seen. */
  static async start(options: PathWatcherOptions): Promise<ManifestPathWatcher> {
    const watcher = new ManifestPathWatcher(options);
    await watcher.#startParents();
    await watcher.refresh();
    return watcher;
  }

  /**
   * Rebuilds the directory watcher if a watched directory appeared, vanished or was replaced
   * (a new inode: `rm -rf dir && cp -r new dir`) since it was built. Cheap when nothing did;
   * call it before every load.
   */
  async refresh(): Promise<void> {
    const directories = await this.#directoryRoots();
    const identity = directories.map((d) => `${d.path}\n${d.id}`).join('\n');
    if (this.#closed || identity === this.#treeIdentity) return;
    const old = this.#tree;
    this.#tree = undefined;
    this.#treeIdentity = identity;
    await old?.close();
    if (directories.length === 0) return;
    const tree = await this.#open(
      directories.map((d) => d.path),
      { ignored: (path, stats) => this.#ignoredInTree(path, stats) },
    );
    // close() may have run while the new watcher was scanning.
    if (this.#isClosed()) await tree.close();
    else this.#tree = tree;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const parents = this.#parents;
    const tree = this.#tree;
    this.#parents = undefined;
    this.#tree = undefined;
    await Promise.all([parents?.close(), tree?.close()]);
  }

  /** A method, not the field: TypeScript would keep its narrowing across the awaits above. */
  #isClosed(): boolean {
    return this.#closed;
  }

  async #startParents(): Promise<void> {
    const parents = new Set(this.#roots.map((root) => dirname(root)));
    this.#parents = await this.#open([...parents], {
      depth: 0,
      // Only the roots themselves: a sibling of a watched file is none of our business. Paths
      // above the parents stay (chokidar watches a missing parent's parent for it to appear).
      ignored: (path) => {
        const full = resolve(path);
        if (this.#rootSet.has(full) || parents.has(full)) return false;
        return [...parents].some((parent) => isInside(full, parent));
      },
    });
  }

  async #open(paths: string[], options: ChokidarOptions): Promise<FSWatcher> {
    const watcher = watch(paths, { ...options, ignoreInitial: true, persistent: true });
    watcher.on('all', () => {
      this.#onChange();
    });
    watcher.on('error', (err: unknown) => {
      this.#onError({ path: errorPath(err) ?? this.#roots.join(', '), message: errorMessage(err) });
    });
    await new Promise<void>((done) => watcher.once('ready', done));
    return watcher;
  }

  async #directoryRoots(): Promise<{ path: string; id: string }[]> {
    const found: { path: string; id: string }[] = [];
    for (const path of this.#roots) {
      try {
        const info = await stat(path);
        if (info.isDirectory()) found.push({ path, id: `${info.dev}:${info.ino}` });
      } catch {
        // Missing: the parent watcher will see it come back, and the load reports it meanwhile.
      }
    }
    return found;
  }

  /** Mirrors what loadManifestFiles reads, so editor swap files and .git do not cost a load. */
  #ignoredInTree(path: string, stats: Stats | undefined): boolean {
    const full = resolve(path);
    const root = this.#roots.find((r) => isInside(full, r));
    // The roots themselves and anything outside them (chokidar asks about parents too) stay.
    if (root === undefined || this.#rootSet.has(full)) return false;
    if (basename(full).startsWith('.')) return true;
    if (stats === undefined) return false; // chokidar asks again with stats before it acts
    if (stats.isFile()) return !MANIFEST_EXTENSIONS.has(extname(full).toLowerCase());
    if (stats.isDirectory()) return revisitsAncestor(full, root);
    return false;
  }
}

/**
 * True when a directory (reached through a symlink) is one of its own ancestors: chokidar
 * follows such a loop until ELOOP, watching the tree dozens of times over; loadManifestFiles
 * reads it once.
 */
function revisitsAncestor(dir: string, root: string): boolean {
  try {
    const real = realpathSync(dir);
    // Up to and including the root; the loop ends because every step shortens the path.
    for (let up = dirname(dir); up === root || isInside(up, root); up = dirname(up)) {
      if (realpathSync(up) === real) return true;
      if (up === root) break;
    }
  } catch {
    // Gone already, or unreadable: chokidar will report it, not us.
  }
  return false;
}

function isInside(path: string, dir: string): boolean {
  return path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function errorPath(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'path' in err && typeof err.path === 'string') return err.path;
  return undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
