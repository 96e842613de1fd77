// The test-network helper itself: hosts reach each other and the root namespace (where a test's
// control plane would listen) over IPv4 and IPv6, run commands as another UID, and close() removes
// namespaces, links and the processes started inside, twice without complaint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createNetwork, requireRootNetworking } from './netns.js';

test('hosts reach the root namespace through the bridge; close removes everything', { timeout: 60_000 }, async (t) => {
  if (!requireRootNetworking(t)) return;
  const network = await createNetwork('slhelper');
  const rootServer = createServer((socket) => socket.end('root\n'));
  try {
    const host = await network.addHost('pod');
    assert.match(host.netns, /^slhelper-[0-9a-f]{6}-pod$/);
    assert.equal(host.ipv4, network.ipv4.gateway.replace(/\.1$/, '.2'));

    rootServer.listen({ port: 0, host: '::', ipv6Only: false });
    await once(rootServer, 'listening');
    const address = rootServer.address();
    assert.ok(address !== null && typeof address === 'object');
    const v4 = await host.connect(network.ipv4.gateway, address.port);
    assert.deepEqual([v4.ok, v4.reply, v4.local.startsWith(`${host.ipv4}:`)], [true, 'root\n', true], JSON.stringify(v4));
    if (network.ipv6 && host.ipv6) {
      const v6 = await host.connect(network.ipv6.gateway, address.port);
      assert.deepEqual([v6.ok, v6.reply, v6.local.startsWith(`[${host.ipv6}]:`)], [true, 'root\n', true], JSON.stringify(v6));
    }

    const id = await host.mustRun('id', ['-u'], { uid: 4242 });
    assert.equal(id.stdout.trim(), '4242');
    assert.equal((await host.run('sh', ['-c', 'exit 3'])).code, 3);

    const sleeper = host.exec('sleep', ['600']);
    await network.close();
    assert.ok(sleeper.exitCode !== null || sleeper.signalCode !== null, 'processes started in a host are killed by close()');
    await network.close();
    const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(namespaces, new RegExp(network.id));
    const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(links, new RegExp(network.bridge));
  } finally {
    rootServer.close();
    await network.close();
  }
});
