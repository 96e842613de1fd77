// File mode keeps watching when the watched things themselves are replaced: a Kubernetes
// ConfigMap volume (files are symlinks through `..data`, swapped atomically), a directory deleted
// and created again, a symlink loop inside a directory; and after close() nothing is called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, last, producerBackends, settle, withBookinfo, withWatcher } from './file-watch-fixture.js';

test('a ConfigMap volume update (the ..data symlink swapped) is applied', () =>
  withBookinfo(async (b) => {
    const volume = join(b.dir, 'volume');
    // How the kubelet lays out and updates a ConfigMap volume (atomic_writer.go).
    const publish = async (generation: string, routes: string): Promise<void> => {
      await mkdir(join(volume, generation));
      await writeFile(join(volume, generation, 'routes.yaml'), routes);
      await symlink(generation, join(volume, '..data_tmp'));
      await rename(join(volume, '..data_tmp'), join(volume, '..data'));
    };
    await mkdir(volume);
    await publish('..2024_01', b.routesText);
    await symlink(join('..data', 'routes.yaml'), join(volume, 'routes.yaml'));

    await withWatcher({ paths: [b.services, volume] }, async ({ watcher, configs, problems }) => {
      assert.deepEqual(producerBackends(watcher.current()), ['reviews-v1']);
      await publish('..2024_02', b.routesText.replace('name: reviews-v1', 'name: reviews-v2'));
      await rm(join(volume, '..2024_01'), { recursive: true });
      await eventually('the new ConfigMap data', () => producerBackends(last(configs)).includes('reviews-v2'));
      assert.deepEqual(problems, []);
    });
  }));

test('a watched directory deleted and created again is watched again', () =>
  withBookinfo(async (b) => {
    const routesDir = join(b.dir, 'routes');
    await mkdir(routesDir);
    await writeFile(join(routesDir, 'reviews.yaml'), b.routesText);
    await withWatcher({ paths: [b.services, routesDir] }, async ({ configs, problems }) => {
      await rm(routesDir, { recursive: true });
      await eventually('the deletion reported', () => problems.length === 1);

      await mkdir(routesDir);
      await writeFile(join(routesDir, 'reviews.yaml'), b.routesText.replace('name: reviews-v1', 'name: reviews-v2'));
      await eventually('the new directory read', () => producerBackends(last(configs)).includes('reviews-v2'));
      // Edits inside the new directory are seen (a watcher on the old inode would miss them).
      await writeFile(join(routesDir, 'reviews.yaml'), b.routesText.replace('name: reviews-v1', 'name: reviews'));
      await eventually('an edit in the new directory', () => producerBackends(last(configs)).join() === 'reviews');
    });
  }));

test('a symlink loop inside a watched directory is followed once', () =>
  withBookinfo(async (b) => {
    await mkdir(join(b.dir, 'nested'));
    await symlink(b.dir, join(b.dir, 'nested', 'loop'));
    await withWatcher({ paths: [b.dir] }, async ({ configs, problems }) => {
      assert.deepEqual(problems, [], 'chokidar would report ELOOP after following it 40 times');
      await writeFile(b.routes, b.routesText.replace('name: reviews-v1', 'name: reviews-v2'));
      await eventually('the edit', () => producerBackends(last(configs)).includes('reviews-v2'));
    });
  }));

test('after close() no callback is called and reload() does nothing', () =>
  withBookinfo(async (b) => {
    let closedWatcher: { reload(): Promise<void> } | undefined;
    let calls = 0;
    await withWatcher({ paths: [b.dir], debounceMs: 10 }, async ({ watcher, configs, problems }) => {
      closedWatcher = watcher;
      await watcher.close();
      calls = configs.length + problems.length;
      await writeFile(b.routes, b.routesText.replace('name: reviews-v1', 'name: reviews-v2'));
      await settle(200);
      await watcher.reload();
      assert.equal(configs.length + problems.length, calls);
    });
    await closedWatcher?.reload();
    assert.equal(calls, 1);
  }));
