// File mode: a load with any error (YAML that does not parse, an object that cannot be used, a
// missing path) applies nothing: the last good config stays, onProblem names the file, and
// fixing the file applies again. A watcher started on broken files still runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, last, producerBackends, serviceNames, withBookinfo, withWatcher } from './file-watch-fixture.js';

const brokenYaml = 'apiVersion: v1\nkind: Service\nmetadata: { name: broken\n';

test('invalid YAML keeps the previous version and names the file; fixing it applies again', () =>
  withBookinfo((b) =>
    withWatcher({ paths: [b.dir] }, async ({ watcher, configs, problems }) => {
      const good = watcher.current();
      // The broken document comes after a good edit in the same file: nothing of it is applied.
      await writeFile(b.routes, `${b.routesText.replace('name: reviews-v1', 'name: reviews-v2')}\n---\n${brokenYaml}`);
      await eventually('a problem report', () => problems.length === 1);
      const report = problems[0];
      assert.ok(report);
      assert.equal(report.kept, good?.version);
      assert.ok(report.errors.length > 0);
      assert.ok(report.errors.every((e) => e.source === b.routes), JSON.stringify(report.errors));
      assert.equal(report.errors[0]?.document, 3);
      assert.equal(watcher.current(), good);
      assert.equal(configs.length, 1);
      assert.deepEqual(producerBackends(watcher.current()), ['reviews-v1']);

      await writeFile(b.routes, b.routesText.replace('name: reviews-v1', 'name: reviews-v2'));
      await eventually('the fixed file applied', () => configs.length === 2);
      assert.deepEqual(producerBackends(watcher.current()), ['reviews-v2']);
      assert.equal(problems.length, 1);
    }),
  ));

test('an object that cannot be used is an error too, not a partial config', () =>
  withBookinfo((b) =>
    withWatcher({ paths: [b.dir] }, async ({ watcher, configs, problems }) => {
      const good = watcher.current();
      // Well-formed YAML, but an API version the Gateway API does not serve.
      await writeFile(join(b.dir, 'extra.yaml'), b.routesText.replaceAll('gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v9'));
      await eventually('a problem report', () => problems.length === 1);
      assert.ok(problems[0]?.errors.some((e) => e.source === join(b.dir, 'extra.yaml')), JSON.stringify(problems[0]));
      assert.equal(watcher.current(), good);
      assert.equal(configs.length, 1);
    }),
  ));

test('a fix that restores the last good IR calls onRecovered, not onConfig', () =>
  withBookinfo((b) =>
    withWatcher({ paths: [b.dir] }, async ({ watcher, configs, problems, recovered }) => {
      await writeFile(b.routes, brokenYaml);
      await eventually('a problem report', () => problems.length === 1);
      await writeFile(b.routes, b.routesText);
      await eventually('recovery', () => recovered.length === 1);
      assert.equal(recovered[0], watcher.current());
      assert.equal(configs.length, 1);
    }),
  ));

test('a watcher started on a broken file reports it, has no config, and applies the fix', () =>
  withBookinfo(async (b) => {
    await writeFile(b.routes, brokenYaml);
    await withWatcher({ paths: [b.dir] }, async ({ watcher, configs, problems }) => {
      assert.equal(watcher.current(), undefined);
      assert.deepEqual(configs, []);
      assert.equal(problems.length, 1);
      assert.equal(problems[0]?.kept, undefined);
      assert.equal(problems[0]?.errors[0]?.source, b.routes);

      await writeFile(b.routes, b.routesText);
      await eventually('the first good config', () => configs.length === 1);
      assert.deepEqual(producerBackends(watcher.current()), ['reviews-v1']);
    });
  }));

test('a missing path is reported; creating it applies', () =>
  withBookinfo(async (b) => {
    const later = join(b.dir, 'later.yaml');
    await withWatcher({ paths: [b.services, later] }, async ({ watcher, configs, problems }) => {
      assert.equal(watcher.current(), undefined);
      assert.match(problems[0]?.errors[0]?.message ?? '', /cannot read/);
      await writeFile(later, b.routesText);
      await eventually('the created file', () => configs.length === 1);
      assert.deepEqual(producerBackends(last(configs)), ['reviews-v1']);
    });
  }));

test('a file named on the command line can be deleted and created again', () =>
  withBookinfo((b) =>
    withWatcher({ paths: [b.services, b.routes] }, async ({ configs, problems }) => {
      await rm(b.routes);
      await eventually('the deletion reported', () => problems.length === 1);
      assert.match(problems[0]?.errors[0]?.message ?? '', /cannot read/);
      await writeFile(b.routes, b.routesText.replace('name: reviews-v1', 'name: reviews-v2'));
      await eventually('the new file applied', () => producerBackends(last(configs)).includes('reviews-v2'));
      // And it is watched again afterwards.
      await writeFile(b.routes, b.routesText.replace('name: reviews-v1', 'name: reviews'));
      await eventually('an edit to the new file', () => producerBackends(last(configs)).join() === 'reviews');
      assert.ok(serviceNames(last(configs)).includes('bookinfo/reviews'));
    }),
  ));
