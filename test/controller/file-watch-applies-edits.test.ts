// File mode: the first load happens before watchManifests resolves, and every later edit that
// changes the IR (in place, by atomic rename, a new file, a deleted file) reaches onConfig with a
// new version; an edit that leaves the IR as it was does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { irVersion } from '../../src/ir/index.js';
import { eventually, last, producerBackends, serviceNames, settle, withBookinfo, withWatcher } from './file-watch-fixture.js';

test('the first load is done before the watcher is returned', () =>
  withBookinfo((b) =>
    withWatcher({ paths: [b.dir] }, async ({ watcher, configs, problems }) => {
      assert.equal(configs.length, 1);
      assert.deepEqual(problems, []);
      const current = watcher.current();
      assert.equal(current, configs[0]);
      assert.ok(current);
      assert.equal(current.version, irVersion(current.ir));
      assert.deepEqual(current.files, [b.routes, b.services]);
      assert.deepEqual(producerBackends(current), ['reviews-v1']);
      assert.deepEqual(
        current.statuses.map((s) => `${s.namespace}/${s.name}`),
        ['bookinfo/reviews', 'frontend/reviews-canary'],
      );
      await watcher.reload();
      assert.equal(configs.length, 1, 'a reload of unchanged files calls nobody');
    }),
  ));

test('an edit to a route file is applied with a new version', () =>
  withBookinfo((b) =>
    withWatcher({ paths: [b.dir] }, async ({ configs }) => {
      const before = configs[0]?.version;
      await writeFile(b.routes, b.routesText.replace('name: reviews-v1', 'name: reviews-v2'));
      await eventually('the edited route', () => producerBackends(last(configs)).includes('reviews-v2'), 1500);
      assert.equal(configs.length, 2);
      assert.notEqual(last(configs)?.version, before);
    }),
  ));

test('an edit that leaves the IR as it was (a comment, whitespace) calls nobody', () =>
  withBookinfo((b) =>
    withWatcher({ paths: [b.dir] }, async ({ watcher, configs, problems }) => {
      await writeFile(b.routes, `# reviewed by the platform team\n\n${b.routesText}\n\n`);
      await settle();
      await watcher.reload(); // the load the edit caused has certainly run by now
      assert.equal(configs.length, 1);
      assert.deepEqual(problems, []);
    }),
  ));

test('an editor saving by rename (write a temp file, rename it over) is picked up, twice', () =>
  withBookinfo((b) =>
    withWatcher({ paths: [b.routes, b.services] }, async ({ configs }) => {
      const save = async (text: string): Promise<void> => {
        const temp = join(b.dir, '.routes.yaml.swp');
        await writeFile(temp, text);
        await rename(temp, b.routes);
      };
      await save(b.routesText.replace('name: reviews-v1', 'name: reviews-v2'));
      await eventually('the first atomic save', () => producerBackends(last(configs)).includes('reviews-v2'));
      // The watched inode was replaced: the second save must be seen on the new one.
      await save(b.routesText);
      await eventually('the second atomic save', () => producerBackends(last(configs)).includes('reviews-v1'));
      assert.equal(configs.length, 3);
    }),
  ));

test('a file added to a watched directory is read; a non-manifest file is not', () =>
  withBookinfo((b) =>
    withWatcher({ paths: [b.dir] }, async ({ watcher, configs, problems }) => {
      await writeFile(join(b.dir, 'notes.txt'), 'not: [yaml');
      const ratings = [
        'apiVersion: v1',
        'kind: Service',
        'metadata: { name: ratings, namespace: bookinfo }',
        'spec: { clusterIP: 10.96.10.20, ports: [{ name: http, port: 9080 }] }',
      ].join('\n');
      await writeFile(join(b.dir, 'ratings.yml'), ratings);
      await eventually('the new file', () => serviceNames(last(configs)).includes('bookinfo/ratings'));
      assert.ok(watcher.current()?.files.includes(join(b.dir, 'ratings.yml')));
      assert.deepEqual(problems, []);
    }),
  ));

test('deleting a file removes its objects', () =>
  withBookinfo((b) =>
    withWatcher({ paths: [b.dir] }, async ({ configs }) => {
      await rm(b.routes);
      await eventually('routes gone', () => last(configs)?.files.length === 1);
      assert.deepEqual(producerBackends(last(configs)), []);
      assert.deepEqual(last(configs)?.statuses, []);
      assert.ok(serviceNames(last(configs)).includes('bookinfo/reviews'), 'the Services stay');
    }),
  ));

test('a burst of edits is loaded once the writes stop; the last one wins', () =>
  withBookinfo((b) =>
    withWatcher({ paths: [b.dir], debounceMs: 300 }, async ({ configs }) => {
      for (const backend of ['reviews-v2', 'reviews', 'reviews-v2', 'reviews']) {
        await writeFile(b.routes, b.routesText.replace('name: reviews-v1', `name: ${backend}`));
      }
      await eventually('the last edit', () => producerBackends(last(configs)).join() === 'reviews');
      await settle();
      assert.equal(configs.length, 2, 'one load for the burst');
    }),
  ));

test('concurrent reloads share loads and all resolve', () =>
  withBookinfo((b) =>
    withWatcher({ paths: [b.dir] }, async ({ watcher, configs }) => {
      await writeFile(b.routes, b.routesText.replace('name: reviews-v1', 'name: reviews-v2'));
      // No waiting for the file event: a reload asked for now reads the edit.
      await Promise.all([watcher.reload(), watcher.reload(), watcher.reload()]);
      assert.deepEqual(producerBackends(watcher.current()), ['reviews-v2']);
      await settle();
      assert.equal(configs.length, 2);
    }),
  ));
