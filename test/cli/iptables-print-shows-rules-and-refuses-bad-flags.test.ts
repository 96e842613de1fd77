// `sidelane iptables print` writes the restore input (IPv4, then IPv6 unless --ipv6 off) without
// touching the system; bad flags exit 2 with one line per problem and its code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { CliIo } from '../../src/cli/io.js';
import { runIptables } from '../../src/cli/iptables-command.js';

function captureIo(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (t) => lines.push(t), err: (t) => errors.push(t), exitCode: () => undefined };
}

test('print writes the IPv4 then the IPv6 rules, exclusions split by family', async () => {
  const io = captureIo();
  const code = await runIptables('print', { excludeOutboundIpRanges: '10.0.0.0/8,fd00::/8', excludeOutboundPorts: '443' }, io);
  assert.equal(code, 0, io.errors.join('\n'));
  assert.equal(io.lines.length, 2);
  const [v4 = '', v6 = ''] = io.lines;
  assert.match(v4, /\(IPv4\)/);
  assert.match(v4, /^-A SIDELANE_OUTPUT -d 10\.0\.0\.0\/8 -j RETURN$/m);
  assert.doesNotMatch(v4, /fd00::/);
  assert.match(v6, /\(IPv6\)/);
  assert.match(v6, /^-A SIDELANE_OUTPUT -d fd00::\/8 -j RETURN$/m);
  assert.match(v6, /^-A SIDELANE_OUTPUT -p tcp --dport 443 -j RETURN$/m);
});

test('print --ipv6 off writes only the IPv4 rules', async () => {
  const io = captureIo();
  assert.equal(await runIptables('print', { ipv6: 'off' }, io), 0);
  assert.equal(io.lines.length, 1);
  assert.match(io.lines[0] ?? '', /\(IPv4\)/);
});

test('bad flags exit 2, one line per problem with its code, nothing printed', async () => {
  const io = captureIo();
  const code = await runIptables('apply', { excludeOutboundPorts: '443,https', excludeOutboundIpRanges: '10.0.0.0/40', backend: 'iptables', ipv6: 'yes' }, io);
  assert.equal(code, 2);
  assert.deepEqual(io.lines, []);
  assert.deepEqual(io.errors, [
    'sidelane iptables apply: --backend "iptables": want auto, nft or legacy [SIDELANE_ERR_IPTABLES_BAD_CHOICE]',
    'sidelane iptables apply: --ipv6 "yes": want auto, on or off [SIDELANE_ERR_IPTABLES_BAD_CHOICE]',
    'sidelane iptables apply: --exclude-outbound-ports "https": not a port: want an integer from 1 to 65535 [SIDELANE_ERR_IPTABLES_BAD_PORT]',
    'sidelane iptables apply: --exclude-outbound-ip-ranges "10.0.0.0/40": not an IP range: want an IPv4 or IPv6 address with an optional /prefix, e.g. 10.0.0.0/8 or fd00::/8 [SIDELANE_ERR_IPTABLES_BAD_CIDR]',
  ]);
});

test('the real command line: empty lists are allowed, and print goes to stdout', { timeout: 30_000 }, async () => {
  const child = spawn(process.execPath, ['bin/sidelane.js', 'iptables', 'print', '--include-inbound-ports', '', '--exclude-outbound-ports', '', '--ipv6', 'off'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, stderr);
  assert.match(stdout, /include-inbound-ports is empty/);
  assert.doesNotMatch(stdout, /-A PREROUTING/);
  assert.match(stdout, /^-A OUTPUT -p tcp -j SIDELANE_OUTPUT$/m);
});
