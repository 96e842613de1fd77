// Loads manifests from files and directories (like `kubectl apply -f`) into a ClusterSnapshot, for
// `sidelane translate`/`run` without a cluster. The only I/O on the manifest path: parsing and
// classification are the pure src/api/objects.ts.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import {
  classify,
  parseManifests,
  type IgnoredObject,
  type KubeObject,
  type ManifestError,
} from '../api/objects.js';
import type { ClusterSnapshot } from '../translate/input.js';

export interface LoadedManifests {
  snapshot: ClusterSnapshot;
  /** Unreadable paths, unparsable documents, unusable objects. */
  errors: ManifestError[];
  /** Objects that were used with a caveat (duplicates, fields an older API version allowed). */
  warnings: ManifestError[];
  ignored: IgnoredObject[];
  /** Every file read, in the order read. */
  files: string[];
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads each path (a file, whatever its extension, or a directory searched recursively for
 * *.yaml, *.yml and *.json) and classifies all objects together, so cross-file references work.
 */
export async function loadManifestFiles(paths: string[], defaultNamespace: string): Promise<LoadedManifests> {
  const errors: ManifestError[] = [];
  const files: string[] = [];
  for (const path of paths) {
    const found = await manifestFiles(path, errors);
    for (const f of found) if (!files.includes(f)) files.push(f);
  }
  const objects: KubeObject[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      errors.push({ source: file, message: `cannot read: ${reason(err)}` });
      continue;
    }
    const parsed = parseManifests(text, file);
    objects.push(...parsed.objects);
    errors.push(...parsed.errors);
  }
  const classified = classify(objects, defaultNamespace);
  return {
    snapshot: classified.snapshot,
    errors: [...errors, ...classified.errors],
    warnings: classified.warnings,
    ignored: classified.ignored,
    files,
  };
}

/** The manifest files a path names, sorted by path so the snapshot does not depend on readdir. */
async function manifestFiles(path: string, errors: ManifestError[]): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    errors.push({ source: path, message: `cannot read: ${reason(err)}` });
    return [];
  }
  if (!info.isDirectory()) return [path];
  const out: string[] = [];
  await walk(path, out, new Set(), errors);
  // Plain code-unit order, not localeCompare: the same on every machine.
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function walk(dir: string, out: string[], seen: Set<string>, errors: ManifestError[]): Promise<void> {
  try {
    // Symlinked directories are followed, once: a link back up the tree must not loop forever.
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      // Hidden entries (.git, editor swap files) are never manifests.
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(full)));
      if (isDir) await walk(full, out, seen, errors);
      else if (MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(full);
    }
  } catch (err) {
    errors.push({ source: dir, message: `cannot read directory: ${reason(err)}` });
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false; // a dangling link: not a directory, and not a manifest either
  }
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
