// loadManifestFiles reads files and directory trees (*.yaml, *.yml, *.json, sorted) into one
// snapshot, and reports unreadable paths and bad documents instead of failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifestFiles } from '../../src/controller/filesource.js';

const service = (name: string): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n`;

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-filesource-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('directories are read recursively, in sorted order, manifest extensions only', () =>
  withTempDir(async (dir) => {
    await mkdir(join(dir, 'b', 'nested'), { recursive: true });
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, 'b', 'nested', 'z.yml'), service('z'));
    await writeFile(join(dir, 'b', 'a.yaml'), service('ba'));
    await writeFile(join(dir, 'a.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'json' } }));
    await writeFile(join(dir, 'README.md'), '# not a manifest');
    await writeFile(join(dir, '.git', 'config.yaml'), 'not: [yaml');
    await writeFile(
      join(dir, 'route.yaml'),
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: r, namespace: web }\nspec: {}\n',
    );
    // A symlink back up the tree must not loop.
    await symlink(dir, join(dir, 'b', 'loop'));

    const loaded = await loadManifestFiles([dir], 'apps');
    assert.deepEqual(loaded.errors, []);
    assert.deepEqual(
      loaded.files.map((f) => f.slice(dir.length + 1)),
      ['a.json', 'b/a.yaml', 'b/nested/z.yml', 'route.yaml'],
    );
    assert.deepEqual(
      loaded.snapshot.services.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`),
      ['apps/json', 'apps/ba', 'apps/z'],
    );
    assert.equal(loaded.snapshot.httpRoutes[0]?.spec.rules?.length, 1, 'defaulted');
    assert.deepEqual(loaded.snapshot.namespaces.map((n) => n.metadata?.name), ['apps', 'web']);
  }));

test('a file is read whatever its extension; a path given twice is read once', () =>
  withTempDir(async (dir) => {
    const file = join(dir, 'svc.txt');
    await writeFile(file, service('txt'));
    const loaded = await loadManifestFiles([file, file, dir], 'default');
    assert.deepEqual(loaded.files, [file]);
    assert.equal(loaded.snapshot.services.length, 1);
  }));

test('missing paths and bad documents are errors; the rest still loads', () =>
  withTempDir(async (dir) => {
    await writeFile(join(dir, 'mixed.yaml'), `${service('ok')}---\nkind: Service\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\n`);
    const missing = join(dir, 'nope.yaml');
    const loaded = await loadManifestFiles([missing, dir], 'default');
    assert.deepEqual(
      loaded.errors.map((e) => [e.source, e.document]),
      [
        [missing, undefined],
        [join(dir, 'mixed.yaml'), 2],
      ],
    );
    assert.match(loaded.errors[0]?.message ?? '', /cannot read/);
    assert.equal(loaded.snapshot.services[0]?.metadata?.name, 'ok');
    assert.deepEqual(loaded.ignored.map((i) => i.kind), ['Deployment']);
  }));
