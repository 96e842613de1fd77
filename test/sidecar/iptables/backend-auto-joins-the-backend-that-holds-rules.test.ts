// `--backend auto` joins the iptables backend that already holds rules in the pod's namespace
// (rules in the other one would be invisible to the node's tools), and otherwise the one plain
// `iptables` is. `--ipv6 auto` follows the namespace's disable_ipv6. Real namespaces, real iptables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyInterception, cleanInterception } from '../../../sidecar/iptables/apply.js';
import { detectBackend, ipv6Wanted } from '../../../sidecar/iptables/backend.js';
import { DEFAULT_PLAN } from '../../../sidecar/iptables/plan.js';
import { netnsRunner } from '../../../sidecar/iptables/runner.js';
import { createNetwork, requireRootNetworking } from '../../support/netns.js';

const TOOLS = ['ip', 'iptables', 'iptables-nft-save', 'iptables-legacy-save', 'iptables-nft', 'iptables-legacy', 'ip6tables-nft-save'];

test('auto picks the backend with rules, else the one iptables links to', { timeout: 60_000 }, async (t) => {
  if (!requireRootNetworking(t, TOOLS)) return;
  const network = await createNetwork('slbackend', { ipv6: false });
  try {
    const [empty, legacy, nft] = [await network.addHost('empty'), await network.addHost('legacy'), await network.addHost('nft')];
    const version = (await empty.mustRun('iptables', ['--version'])).stdout;
    const linked = version.includes('(legacy)') ? 'legacy' : 'nft';
    assert.equal(await detectBackend(netnsRunner(empty.netns)), linked, `empty namespace, ${version.trim()}`);

    await legacy.mustRun('iptables-legacy', ['-t', 'filter', '-A', 'INPUT', '-p', 'udp', '-j', 'ACCEPT']);
    await nft.mustRun('iptables-nft', ['-t', 'filter', '-A', 'INPUT', '-p', 'udp', '-j', 'ACCEPT']);
    assert.equal(await detectBackend(netnsRunner(legacy.netns)), 'legacy');
    assert.equal(await detectBackend(netnsRunner(nft.netns)), 'nft');
    assert.equal(await detectBackend(netnsRunner(legacy.netns), 'nft'), 'nft', 'an explicit choice wins');

    // apply joins the legacy rules, and leaves nf_tables alone.
    const runner = netnsRunner(legacy.netns);
    assert.deepEqual(await applyInterception(DEFAULT_PLAN, { runner, ipv6: 'off' }), { backend: 'legacy', families: ['ipv4'] });
    assert.match((await legacy.mustRun('iptables-legacy-save', ['-t', 'nat'])).stdout, /-A OUTPUT -p tcp -j SIDELANE_OUTPUT/);
    assert.doesNotMatch((await legacy.mustRun('iptables-nft-save', ['-t', 'nat'])).stdout, /SIDELANE/);
    assert.deepEqual(await cleanInterception({ runner }), { removed: [{ backend: 'legacy', family: 'ipv4' }] });
  } finally {
    await network.close();
  }
});

test('ipv6 auto is off where the namespace disables IPv6; on insists', { timeout: 60_000 }, async (t) => {
  if (!requireRootNetworking(t, TOOLS)) return;
  const network = await createNetwork('slipv6', { ipv6: false });
  try {
    const host = await network.addHost('pod');
    const runner = netnsRunner(host.netns);
    const enabled = (await host.mustRun('cat', ['/proc/sys/net/ipv6/conf/all/disable_ipv6'])).stdout.trim() === '0';
    assert.equal(await ipv6Wanted(runner, 'nft', 'auto'), enabled);
    await host.mustRun('sh', ['-c', 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6']);
    assert.equal(await ipv6Wanted(runner, 'nft', 'auto'), false);
    assert.equal(await ipv6Wanted(runner, 'nft', 'on'), true);
    assert.equal(await ipv6Wanted(runner, 'nft', 'off'), false);
  } finally {
    await network.close();
  }
});
