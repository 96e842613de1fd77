// A pod's sidelane.io/* annotations: read over the injector config, added to its exclusions, and,
// when one is wrong, a problem that names it (the pod is then not injected at all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readProxySettings } from '../../injector/annotations.js';
import { DEFAULT_INJECTOR_CONFIG, type InjectorConfig } from '../../injector/config.js';

const config: InjectorConfig = { ...DEFAULT_INJECTOR_CONFIG, excludeOutboundIpRanges: ['169.254.169.254/32'], excludeInboundPorts: [9901] };

test('without annotations: every inbound port, the config exclusions, resources and log level', () => {
  const reading = readProxySettings(undefined, config);
  assert.deepEqual(reading, {
    settings: {
      includeInboundPorts: '*',
      excludeInboundPorts: [9901],
      excludeOutboundPorts: [],
      excludeOutboundIpRanges: ['169.254.169.254/32'],
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      logLevel: 'info',
    },
    problems: [],
    warnings: [],
  });
});

test('annotations add to the exclusions, choose inbound ports, resources and log level', () => {
  const reading = readProxySettings(
    {
      'sidelane.io/exclude-inbound-ports': ' 8081 ,9901,8081',
      'sidelane.io/exclude-outbound-ports': '5432',
      'sidelane.io/exclude-outbound-ip-ranges': '10.0.0.0/8, fd00::/8, 192.168.1.1',
      'sidelane.io/include-inbound-ports': '8080,8081',
      'sidelane.io/proxy-cpu': '250m',
      'sidelane.io/proxy-memory-limit': '1Gi',
      'sidelane.io/log-level': 'debug',
    },
    config,
  );
  assert.deepEqual(reading.problems, []);
  assert.deepEqual(reading.settings, {
    includeInboundPorts: [8080, 8081],
    excludeInboundPorts: [9901, 8081],
    excludeOutboundPorts: [5432],
    excludeOutboundIpRanges: ['169.254.169.254/32', '10.0.0.0/8', 'fd00::/8', '192.168.1.1/32'],
    resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '1Gi' } },
    logLevel: 'debug',
  });
});

test('an empty include list means no inbound redirect; "*" alone means every port', () => {
  assert.deepEqual(readProxySettings({ 'sidelane.io/include-inbound-ports': '' }, config).settings?.includeInboundPorts, []);
  assert.equal(readProxySettings({ 'sidelane.io/include-inbound-ports': ' * ' }, config).settings?.includeInboundPorts, '*');
  assert.deepEqual(readProxySettings({ 'sidelane.io/include-inbound-ports': '*,8080' }, config).problems, [
    'annotation sidelane.io/include-inbound-ports: "*,8080" mixes "*" with ports: use "*" alone or list the ports',
  ]);
});

test('every bad annotation is a problem naming the annotation, and no settings come back', () => {
  const reading = readProxySettings(
    {
      'sidelane.io/exclude-inbound-ports': '8080,http',
      'sidelane.io/exclude-outbound-ports': '70000',
      'sidelane.io/exclude-outbound-ip-ranges': '10.0.0.0/40,not-an-ip',
      'sidelane.io/proxy-cpu': '-1',
      'sidelane.io/proxy-memory': '64MB',
      'sidelane.io/log-level': 'verbose',
    },
    config,
  );
  assert.equal(reading.settings, undefined);
  assert.deepEqual(reading.problems, [
    'annotation sidelane.io/exclude-inbound-ports: "http" is not a port (1-65535)',
    'annotation sidelane.io/exclude-outbound-ports: "70000" is not a port (1-65535)',
    'annotation sidelane.io/exclude-outbound-ip-ranges: "10.0.0.0/40" has a bad prefix length (0-32 for IPv4); "not-an-ip" is not a CIDR range like 10.0.0.0/8 or fd00::/8',
    'annotation sidelane.io/log-level: must be one of trace, debug, info, warn, error, silent, got "verbose"',
    'annotation sidelane.io/proxy-cpu: "-1" is not a resource quantity like 100m, 0.5, 64Mi or 1Gi',
    'annotation sidelane.io/proxy-memory: "64MB" is not a resource quantity like 100m, 0.5, 64Mi or 1Gi',
  ]);
});

test('a request above its limit names the annotation that caused it and where each side came from', () => {
  const reading = readProxySettings({ 'sidelane.io/proxy-memory-limit': '32Mi' }, config);
  assert.deepEqual(reading.problems, [
    "annotation sidelane.io/proxy-memory-limit: the proxy's memory request 64Mi (from the injector config) is more than its limit 32Mi (from annotation sidelane.io/proxy-memory-limit)",
  ]);
  // Units are compared by size, not by text: 0.5 CPU is 500m.
  assert.deepEqual(readProxySettings({ 'sidelane.io/proxy-cpu': '0.5', 'sidelane.io/proxy-cpu-limit': '500m' }, config).problems, []);
  assert.deepEqual(readProxySettings({ 'sidelane.io/proxy-memory': '1G', 'sidelane.io/proxy-memory-limit': '1Gi' }, config).problems, []);
});

test('unknown sidelane.io annotations are warnings, not problems; other prefixes are none of our business', () => {
  const reading = readProxySettings(
    { 'sidelane.io/exclude-outbound-ip-range': '10.0.0.0/8', 'sidelane.io/inject': 'true', 'example.com/x': 'y', 'sidelane.io/status': 'injected' },
    config,
  );
  assert.deepEqual(reading.problems, []);
  assert.deepEqual(reading.warnings, [
    'unknown annotation sidelane.io/exclude-outbound-ip-range ignored',
    "sidelane.io/inject is read from the pod's labels, not its annotations",
  ]);
});

test('control characters in a value are escaped in the problem, not passed through', () => {
  const reading = readProxySettings({ 'sidelane.io/log-level': 'info\nforged line' }, config);
  assert.deepEqual(reading.problems, ['annotation sidelane.io/log-level: must be one of trace, debug, info, warn, error, silent, got "info\\nforged line"']);
});
