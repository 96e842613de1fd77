// The plan is checked before anything reaches iptables-restore: every bad port, ID or IP range is
// reported (not only the first) with a stable code and the flag it came from, and a value that
// could smuggle a rule into the restore input is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IptablesError, IptablesErrorCode } from '../../../sidecar/iptables/errors.js';
import { DEFAULT_PLAN, describeProblems, ipFamilyOf, planFromFlags, validatePlan } from '../../../sidecar/iptables/plan.js';
import { restoreText } from '../../../sidecar/iptables/rules.js';

test('no flags give the defaults of pod-mesh.ts', () => {
  assert.deepEqual(planFromFlags({}), { ok: true, plan: DEFAULT_PLAN });
  assert.deepEqual(DEFAULT_PLAN, {
    proxyUid: 1337,
    proxyGid: 1337,
    outboundPort: 15001,
    inboundPort: 15006,
    includeInboundPorts: '*',
    excludeInboundPorts: [],
    excludeOutboundPorts: [],
    excludeOutboundIpRanges: [],
  });
});

test('comma-separated lists tolerate spaces and empty items; an empty include list means no inbound redirect', () => {
  const parsed = planFromFlags({
    includeInboundPorts: '',
    excludeInboundPorts: ' 8081, ,9090 ',
    excludeOutboundPorts: '443,',
    excludeOutboundIpRanges: '10.0.0.0/8, fd00::/8,192.168.1.7',
    proxyUid: '2102',
    proxyGid: '0',
  });
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.plan.includeInboundPorts, []);
  assert.deepEqual(parsed.plan.excludeInboundPorts, [8081, 9090]);
  assert.deepEqual(parsed.plan.excludeOutboundPorts, [443]);
  assert.deepEqual(parsed.plan.excludeOutboundIpRanges, ['10.0.0.0/8', 'fd00::/8', '192.168.1.7']);
  assert.equal(parsed.plan.proxyUid, 2102);
  assert.equal(parsed.plan.proxyGid, 0);
  assert.deepEqual(planFromFlags({ includeInboundPorts: ' * ' }), { ok: true, plan: DEFAULT_PLAN });
});

test('every bad value is reported with its flag and a stable code', () => {
  const parsed = planFromFlags({
    outboundPort: '0',
    inboundPort: '65536',
    includeInboundPorts: '*,8080',
    excludeInboundPorts: 'http,80x,-1',
    excludeOutboundPorts: '99999',
    excludeOutboundIpRanges: '10.0.0.0/33,fd00::/129,not-an-ip,fe80::1%eth0,10.0.0.0/8 -j ACCEPT',
    proxyUid: 'root',
    proxyGid: '4294967295',
  });
  assert.ok(!parsed.ok);
  const summary = parsed.problems.map((p) => `${p.code} ${p.field}=${p.value}`);
  assert.deepEqual(summary, [
    'SIDELANE_ERR_IPTABLES_BAD_ID proxy-uid=root',
    'SIDELANE_ERR_IPTABLES_BAD_ID proxy-gid=4294967295',
    'SIDELANE_ERR_IPTABLES_BAD_PORT outbound-port=0',
    'SIDELANE_ERR_IPTABLES_BAD_PORT inbound-port=65536',
    'SIDELANE_ERR_IPTABLES_BAD_PORT include-inbound-ports=*',
    'SIDELANE_ERR_IPTABLES_BAD_PORT exclude-inbound-ports=http',
    'SIDELANE_ERR_IPTABLES_BAD_PORT exclude-inbound-ports=80x',
    'SIDELANE_ERR_IPTABLES_BAD_PORT exclude-inbound-ports=-1',
    'SIDELANE_ERR_IPTABLES_BAD_PORT exclude-outbound-ports=99999',
    'SIDELANE_ERR_IPTABLES_BAD_CIDR exclude-outbound-ip-ranges=10.0.0.0/33',
    'SIDELANE_ERR_IPTABLES_BAD_CIDR exclude-outbound-ip-ranges=fd00::/129',
    'SIDELANE_ERR_IPTABLES_BAD_CIDR exclude-outbound-ip-ranges=not-an-ip',
    'SIDELANE_ERR_IPTABLES_BAD_CIDR exclude-outbound-ip-ranges=fe80::1%eth0',
    'SIDELANE_ERR_IPTABLES_BAD_CIDR exclude-outbound-ip-ranges=10.0.0.0/8 -j ACCEPT',
  ]);
  const lines = describeProblems(parsed.problems);
  assert.equal(lines[4], `--include-inbound-ports "*": '*' means every port and cannot be part of a list [SIDELANE_ERR_IPTABLES_BAD_PORT]`);
  assert.match(lines[9] ?? '', /^--exclude-outbound-ip-ranges "10\.0\.0\.0\/33": not an IP range: want an IPv4 or IPv6 address with an optional \/prefix/);
});

test('IP ranges are classified by family, with or without a prefix', () => {
  assert.equal(ipFamilyOf('10.0.0.0/8'), 'ipv4');
  assert.equal(ipFamilyOf('10.1.2.3'), 'ipv4');
  assert.equal(ipFamilyOf('0.0.0.0/0'), 'ipv4');
  assert.equal(ipFamilyOf('fd00::/8'), 'ipv6');
  assert.equal(ipFamilyOf('::ffff:10.0.0.1/128'), 'ipv6');
  assert.equal(ipFamilyOf('2001:DB8::1'), 'ipv6');
  for (const bad of ['', '10.0.0/8', '10.0.0.0/', '/8', '10.0.0.0/8/8', 'fd00::/8\n-A OUTPUT -j ACCEPT', '1.2.3.4 ']) {
    assert.equal(ipFamilyOf(bad), undefined, JSON.stringify(bad));
  }
});

test('the generator refuses an invalid plan built in code, and rules with line breaks to delete', () => {
  const plan = { ...DEFAULT_PLAN, outboundPort: 70000, excludeOutboundIpRanges: ['10.0.0.0/8\n-A OUTPUT -j ACCEPT'], proxyUid: 1.5 };
  const problems = validatePlan(plan);
  assert.deepEqual(problems.map((p) => p.code), [IptablesErrorCode.BadId, IptablesErrorCode.BadPort, IptablesErrorCode.BadCidr]);
  assert.throws(
    () => restoreText(plan, 'ipv4'),
    (error: unknown) => error instanceof IptablesError && error.code === IptablesErrorCode.BadId && error.problems.length === 3 && /outbound-port "70000"/.test(error.message),
  );
  assert.throws(
    () => restoreText(DEFAULT_PLAN, 'ipv4', { deleteFirst: ['OUTPUT -p tcp -j SIDELANE_OUTPUT\n-F'] }),
    (error: unknown) => error instanceof IptablesError && /line break/.test(error.message),
  );
});
