// File mode (`sidelane run -f`): an edit of the manifests reaches the running proxy within a
// second, without dropping an open keep-alive connection or a request already in flight (it
// finishes on the config it started with); a broken file changes nothing, the last good config
// stays, and fixing the file applies again.
import assert from 'node:assert/strict';
import { rename, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { send, specManifests, startSpecMesh, type SpecMesh } from '../../support/spec-mesh.js';

function routeTo(backend: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: live}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, port: 80}]
  rules:
  - backendRefs: [{name: ${backend}, port: 80}]`;
}

/** Replaces the manifests file the way an editor does (write aside, rename over), without asking for a reload. */
async function editFile(spec: SpecMesh, content: string): Promise<void> {
  const tmp = join(spec.mesh.dir, '.edit.tmp');
  await writeFile(tmp, content);
  await rename(tmp, join(spec.mesh.dir, 'mesh.yaml'));
}

async function versionChange(spec: SpecMesh, from: string | undefined, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (spec.mesh.mesh.sidecar.version === from) {
    if (Date.now() - started > timeoutMs) throw new Error(`config still ${from ?? '?'} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

describe('config edits', () => {
  let spec: SpecMesh;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  before(async () => {
    spec = await startSpecMesh({ echoes: ['echo-v1', 'echo-v2', 'echo-v3'], manifests: routeTo('echo-v1') });
  });
  after(async () => {
    agent.destroy();
    await spec.close();
  });

  test('an edit applies within a second; the kept-alive connection and the request in flight survive it', async () => {
    const first = await send(spec.mesh.port, '/', {}, agent);
    assert.equal(first.json?.name, 'echo-v1');
    const socketsBefore = [...Object.values(agent.freeSockets).flat()];
    assert.equal(socketsBefore.length, 1);
    const kept = socketsBefore[0];

    // In flight across the edit: routed to echo-v1 before it, answered after it.
    const inFlight = send(spec.mesh.port, '/', { headers: { 'x-echo-delay-ms': '600' } });
    await new Promise((r) => setTimeout(r, 100));

    const started = Date.now();
    await spec.mesh.update(specManifests(spec, { manifests: routeTo('echo-v2') }));
    assert.ok(Date.now() - started < 1000, `applied after ${Date.now() - started} ms`);

    const slow = await inFlight;
    assert.equal(slow.status, 200);
    assert.equal(slow.json?.name, 'echo-v1');

    const next = await send(spec.mesh.port, '/', {}, agent);
    assert.equal(next.json?.name, 'echo-v2');
    // The same connection carried it: the proxy did not close it on the config change.
    assert.deepEqual([...Object.values(agent.freeSockets).flat()], [kept]);
    assert.equal(kept?.destroyed, false);
  });

  test('the file watcher alone picks up an edit within a second', async () => {
    const before = spec.mesh.mesh.sidecar.version;
    await editFile(spec, specManifests(spec, { manifests: routeTo('echo-v3') }));
    const ms = await versionChange(spec, before, 1000);
    assert.ok(ms < 1000, `applied after ${ms} ms`);
    assert.equal((await spec.get('/')).json?.name, 'echo-v3');
  });

  test('a broken file keeps the last good config; fixing it applies again', async () => {
    const good = spec.mesh.mesh.sidecar.version;
    const fixed = specManifests(spec, { manifests: routeTo('echo-v1') });
    const broken = [
      // Not YAML.
      `${fixed}\n---\nkind: HTTPRoute\nspec: [unclosed`,
      // YAML, but objects the API server would refuse.
      `${fixed}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {namespace: default}\nspec: {}`,
      `${fixed}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: x}\nspec:\n  rules: "not a list"`,
      `${fixed}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: "eighty"}]`,
    ];
    for (const content of broken) {
      await editFile(spec, content);
      // Debounce (100 ms) and load: long enough for a bad config to have been applied if it were.
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(spec.mesh.mesh.sidecar.version, good);
      const res = await spec.get('/');
      assert.equal(res.status, 200);
      assert.equal(res.json?.name, 'echo-v3', 'the last good config still routes');
    }
    await editFile(spec, fixed);
    await versionChange(spec, good, 1000);
    assert.equal((await spec.get('/')).json?.name, 'echo-v1');
  });
});
