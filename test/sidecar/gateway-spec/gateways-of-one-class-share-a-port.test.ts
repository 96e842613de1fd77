// One gateway proxy serves every Gateway of its class: two teams' Gateways (in their own
// namespaces, with different hostnames) share port 80 and each gets its routes; a Gateway of a
// class another controller owns is not served (nor given status by us); a newer Gateway that
// claims a hostname an older one already serves on the port is Conflicted and takes no traffic
// from it. Removing one Gateway leaves the other's listener serving on the same port.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conditionsOf, startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

function gateway(namespace: string, name: string, className: string, hostname: string, created: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${namespace}, creationTimestamp: "${created}"}
spec:
  gatewayClassName: ${className}
  listeners: [{name: http, port: 80, protocol: HTTP, hostname: "${hostname}"}]`;
}

function route(namespace: string, name: string, gatewayName: string, prefix: string, echo: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  parentRefs: [{name: ${gatewayName}}]
  rules:
  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    backendRefs: [{name: ${echo}, port: 8080}]`;
}

const FOREIGN_CLASS = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: someone-else}
spec: {controllerName: example.com/another-controller}`;

function manifests(withTeamB: boolean): string {
  return [
    FOREIGN_CLASS,
    gateway('team-a', 'gw-a', 'sidelane', 'a.example.com', '2024-01-01T00:00:00Z'),
    route('team-a', 'app-a', 'gw-a', '/', 'app-a'),
    ...(withTeamB ? [gateway('team-b', 'gw-b', 'sidelane', '*.b.example.com', '2024-02-01T00:00:00Z'), route('team-b', 'app-b', 'gw-b', '/', 'app-b')] : []),
    gateway('team-c', 'gw-foreign', 'someone-else', 'c.example.com', '2024-01-01T00:00:00Z'),
    route('team-c', 'app-c', 'gw-foreign', '/', 'app-c'),
    gateway('team-d', 'gw-late', 'sidelane', 'a.example.com', '2024-03-01T00:00:00Z'),
    route('team-d', 'app-d', 'gw-late', '/late', 'app-d'),
  ].join('\n---\n');
}

describe('Gateways of one class share a port', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({
      echoes: ['team-a/app-a', 'team-b/app-b', 'team-c/app-c', 'team-d/app-d'],
      manifests: manifests(true),
    });
  });
  after(() => gw.close());

  async function answer(host: string, path = '/'): Promise<string | number> {
    const res = await gw.get(path, { host });
    return res.status === 200 ? (res.json?.name ?? '?') : res.status;
  }

  test('each Gateway serves its own hostnames on the shared port', async () => {
    assert.equal(await answer('a.example.com'), 'app-a');
    assert.equal(await answer('x.b.example.com'), 'app-b');
    assert.equal(await answer('y.x.b.example.com'), 'app-b');
    assert.equal(await answer('b.example.com'), 404);
    assert.equal(await answer('other.example.com'), 404);
  });

  test('both Gateways are Accepted and Programmed, with the address the proxy listens on', () => {
    for (const [ns, name] of [['team-a', 'gw-a'], ['team-b', 'gw-b']] as const) {
      const status = gw.statusOf('Gateway', ns, name);
      assert.ok(status, `${ns}/${name} has a status`);
      assert.equal(conditionsOf(status.conditions)['Accepted'], 'True/Accepted');
      assert.equal(conditionsOf(status.conditions)['Programmed'], 'True/Programmed');
      assert.deepEqual(status.addresses, [{ type: 'IPAddress', value: '127.0.0.1' }]);
      assert.equal(status.listeners[0]?.attachedRoutes, 1);
    }
  });

  test('a Gateway of another controller\'s class is neither served nor given status', async () => {
    assert.equal(await answer('c.example.com'), 404);
    assert.equal(gw.statusOf('Gateway', 'team-c', 'gw-foreign'), undefined);
  });

  test('a newer Gateway claiming a served hostname is Conflicted and takes nothing from the older one', async () => {
    const late = gw.statusOf('Gateway', 'team-d', 'gw-late');
    const listener = conditionsOf(late?.listeners[0]?.conditions);
    assert.equal(listener['Conflicted'], 'True/HostnameConflict');
    assert.equal(listener['Programmed']?.startsWith('False/'), true, `Programmed: ${listener['Programmed']}`);
    assert.equal(await answer('a.example.com', '/late'), 'app-a');
    const older = conditionsOf(gw.statusOf('Gateway', 'team-a', 'gw-a')?.listeners[0]?.conditions);
    assert.equal(older['Conflicted'], 'False/NoConflicts');
  });

  test('removing one Gateway leaves the other serving on the same port', async () => {
    const before = gw.boundPort(80);
    await gw.apply(manifests(false));
    assert.equal(await answer('x.b.example.com'), 404);
    assert.equal(await answer('a.example.com'), 'app-a');
    assert.equal(gw.boundPort(80), before);
  });
});
