// The real rules in a real kernel: `sidelane iptables apply` (the CLI, as the init container runs
// it) inside pod A's network namespace, with a stand-in proxy (UID 1337) reporting SO_ORIGINAL_DST.
// App traffic from A goes to 15001 and traffic to A goes to 15006, each with the right original
// destination; the proxy's own traffic, loopback, the admin port and excluded ports and ranges are
// untouched; re-applying adds nothing; clean restores direct connections. For nft and legacy, over
// IPv4 and (when the machine has it) IPv6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetwork, requireRootNetworking, type ConnectResult, type NetnsHost, type Network } from '../../support/netns.js';
import { applyInterception, cleanInterception } from '../../../sidecar/iptables/apply.js';
import { DEFAULT_PLAN, type InterceptionPlan } from '../../../sidecar/iptables/plan.js';
import { netnsRunner } from '../../../sidecar/iptables/runner.js';
import type { Report } from './orig-dst-reporter.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const REPORTER = join(ROOT, 'test', 'sidecar', 'iptables', 'orig-dst-reporter.ts');
const APP_UID = 1000;
const PROXY_UID = 1337;

interface Served {
  server: string;
  local: string;
}

for (const backend of ['nft', 'legacy'] as const) {
  test(`iptables-${backend}: apply redirects app traffic with its original destination, clean undoes it`, { timeout: 180_000 }, async (t) => {
    const tools = ['ip', 'setpriv', ...['iptables', 'ip6tables'].flatMap((bin) => [`${bin}-${backend}-save`, `${bin}-${backend}-restore`])];
    if (!requireRootNetworking(t, tools)) return;
    const network = await createNetwork(`slipt-${backend}`);
    try {
      await exercise(network, backend);
    } finally {
      await network.close();
    }
  });
}

async function exercise(network: Network, backend: 'nft' | 'legacy'): Promise<void> {
  const [a, b, c] = [await network.addHost('a'), await network.addHost('b'), await network.addHost('c')];
  const ipv6 = network.ipv6 !== undefined;
  const v6 = (host: NetnsHost): string => host.ipv6 ?? '';
  // Real listeners: the apps of B and C, and in A the app (8080, 8081) and the proxy's admin port.
  await Promise.all([
    ...[8080, 9090].map((port) => b.serve(port)),
    c.serve(8080),
    ...[8080, 8081, 15000].map((port) => a.serve(port)),
    ...(ipv6 ? [b.serve(8080, { host: '::' }), c.serve(8080, { host: '::' }), a.serve(8080, { host: '::' })] : []),
  ]);
  assertDirect(await a.connect(b.ipv4, 8080), 'b', `${b.ipv4}:8080`, 'before apply');

  const excludedRanges = (host: NetnsHost): string[] => [`${host.ipv4}/32`, ...(host.ipv6 ? [`${host.ipv6}/128`] : [])];
  const planFor = (excluded: NetnsHost): InterceptionPlan => ({
    ...DEFAULT_PLAN,
    excludeInboundPorts: [8081],
    excludeOutboundPorts: [9090],
    excludeOutboundIpRanges: excludedRanges(excluded),
  });
  const flags = [
    `--backend=${backend}`,
    '--exclude-inbound-ports=8081',
    '--exclude-outbound-ports=9090',
    `--exclude-outbound-ip-ranges=${excludedRanges(c).join(',')}`,
  ];
  const applied = await sidelane(a, ['apply', ...flags]);
  assert.match(applied.stderr, new RegExp(`installed with iptables-${backend} for IPv4${ipv6 ? ' and IPv6' : ''}`));
  // Again, through the library on the namespace (what a test or tool outside the pod uses).
  const again = await applyInterception(planFor(c), { backend, runner: netnsRunner(a.netns) });
  assert.deepEqual(again, { backend, families: ipv6 ? ['ipv4', 'ipv6'] : ['ipv4'] });
  await assertInstalledOnce(a, backend, 'iptables');
  if (ipv6) await assertInstalledOnce(a, backend, 'ip6tables');

  const reporter = await a.start(process.execPath, ['--import', 'tsx', REPORTER, ...(ipv6 ? ['ipv6'] : [])], { uid: PROXY_UID, cwd: ROOT, ready: /^ready$/ });
  try {
    // Outbound: any app UID is redirected to 15001, with the address it dialled.
    assertRedirected(await a.connect(b.ipv4, 8080), 'outbound', `${b.ipv4}:8080`, 'root app to B');
    assertRedirected(await a.connect(b.ipv4, 8080, { uid: APP_UID }), 'outbound', `${b.ipv4}:8080`, 'app UID to B');
    // The proxy's own connections (UID, or GID alone) reach B itself.
    assertDirect(await a.connect(b.ipv4, 8080, { uid: PROXY_UID }), 'b', `${b.ipv4}:8080`, 'proxy UID to B');
    assertDirect(await a.connect(b.ipv4, 8080, { uid: APP_UID, gid: PROXY_UID }), 'b', `${b.ipv4}:8080`, 'proxy GID to B');
    // Exclusions and loopback.
    assertDirect(await a.connect(b.ipv4, 9090), 'b', `${b.ipv4}:9090`, 'excluded outbound port');
    assertDirect(await a.connect(c.ipv4, 8080), 'c', `${c.ipv4}:8080`, 'excluded outbound range');
    assertDirect(await a.connect('127.0.0.1', 8080), 'a', '127.0.0.1:8080', 'loopback');
    // A socket nothing redirected: SO_ORIGINAL_DST gives the local address, reported as not redirected.
    assertRedirected(await a.connect('127.0.0.1', 15002), 'plain', null, 'not redirected');
    // Inbound: B's connection to A's app port arrives at 15006 with A:8080 as original destination.
    assertRedirected(await b.connect(a.ipv4, 8080), 'inbound', `${a.ipv4}:8080`, 'B to A app');
    assertDirect(await b.connect(a.ipv4, 15000), 'a', `${a.ipv4}:15000`, 'admin port');
    assertDirect(await b.connect(a.ipv4, 8081), 'a', `${a.ipv4}:8081`, 'excluded inbound port');
    if (ipv6) {
      assertRedirected(await a.connect(v6(b), 8080, { uid: APP_UID }), 'outbound', `[${v6(b)}]:8080`, 'IPv6 app to B');
      assertDirect(await a.connect(v6(b), 8080, { uid: PROXY_UID }), 'b', `[${v6(b)}]:8080`, 'IPv6 proxy UID to B');
      assertDirect(await a.connect(v6(c), 8080), 'c', `[${v6(c)}]:8080`, 'IPv6 excluded range');
      assertRedirected(await b.connect(v6(a), 8080), 'inbound', `[${v6(a)}]:8080`, 'IPv6 B to A app');
    }
  } finally {
    await reporter.close();
  }

  // clean with backend auto finds the rules whichever backend holds them; a second clean has nothing to do.
  const cleaned = await sidelane(a, ['clean']);
  assert.match(cleaned.stderr, new RegExp(`removed from iptables-${backend} IPv4${ipv6 ? `, iptables-${backend} IPv6` : ''}`));
  assert.deepEqual(await cleanInterception({ runner: netnsRunner(a.netns) }), { removed: [] });
  for (const bin of ipv6 ? ['iptables', 'ip6tables'] : ['iptables']) {
    const saved = (await a.mustRun(`${bin}-${backend}-save`, ['-t', 'nat'])).stdout;
    assert.doesNotMatch(saved, /SIDELANE/, `${bin}-${backend}-save after clean:\n${saved}`);
  }
  assertDirect(await a.connect(b.ipv4, 8080), 'b', `${b.ipv4}:8080`, 'after clean, A to B');
  assertDirect(await b.connect(a.ipv4, 8080), 'a', `${a.ipv4}:8080`, 'after clean, B to A');
  if (ipv6) assertDirect(await a.connect(v6(b), 8080), 'b', `[${v6(b)}]:8080`, 'after clean, IPv6 A to B');
}

function sidelane(host: NetnsHost, args: string[]): ReturnType<NetnsHost['mustRun']> {
  return host.mustRun(process.execPath, [join(ROOT, 'bin', 'sidelane.js'), 'iptables', ...args], { cwd: ROOT, timeoutMs: 60_000 });
}

/** Exactly one jump from each built-in chain, and our chains not doubled, after applying twice. */
async function assertInstalledOnce(host: NetnsHost, backend: string, bin: string): Promise<void> {
  const saved = (await host.mustRun(`${bin}-${backend}-save`, ['-t', 'nat'])).stdout;
  const count = (line: string): number => saved.split('\n').filter((l) => l.trim() === line).length;
  const context = `${bin}-${backend}-save:\n${saved}`;
  assert.equal(count('-A PREROUTING -p tcp -j SIDELANE_INBOUND'), 1, context);
  assert.equal(count('-A OUTPUT -p tcp -j SIDELANE_OUTPUT'), 1, context);
  assert.equal(count('-A SIDELANE_OUTPUT -j SIDELANE_OUT_REDIRECT'), 1, context);
  assert.equal(count('-A SIDELANE_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006'), 1, context);
}

/** The stand-in proxy's Report, or a real server's Served: which one answered is the point. */
function parseReply(result: ConnectResult, what: string): Partial<Report> & Partial<Served> {
  assert.ok(result.ok, `${what}: connection failed: ${result.error ?? '?'}`);
  try {
    return JSON.parse(result.reply) as Partial<Report> & Partial<Served>;
  } catch {
    assert.fail(`${what}: unexpected reply ${JSON.stringify(result.reply)}`);
  }
}

function assertRedirected(result: ConnectResult, listener: Report['listener'], origDst: string | null, what: string): void {
  const report = parseReply(result, what);
  assert.equal(report.server, undefined, `${what}: reached ${report.server ?? ''} directly instead of the proxy's ${listener} listener`);
  assert.deepEqual({ listener: report.listener, origDst: report.origDst }, { listener, origDst }, `${what}: ${result.reply}`);
}

function assertDirect(result: ConnectResult, server: string, local: string, what: string): void {
  const served = parseReply(result, what);
  assert.equal(served.listener, undefined, `${what}: was redirected to the proxy's ${served.listener ?? ''} listener: ${result.reply}`);
  assert.deepEqual({ server: served.server, local: served.local }, { server, local }, `${what}: ${result.reply}`);
}
