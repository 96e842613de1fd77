// A route attaches to a listener only where their hostnames intersect, and serves only the
// intersection: a route's `*.specific.com` on a `very.specific.com` listener serves that one name,
// a route's names outside every listener are ignored, and a route with no name in common with any
// listener is not Accepted (NoMatchingListenerHostname) nor counted in attachedRoutes. Cases from
// the conformance test HTTPRouteHostnameIntersection, with both of its Gateways on one shared port.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conditionsOf, gatewayParent, startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

const NS = 'gateway-conformance-infra';

function route(name: string, gateway: string, hostnames: string[], prefix: string, echo: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${NS}}
spec:
  parentRefs: [{name: ${gateway}, namespace: ${NS}}]
  hostnames: [${hostnames.map((h) => `"${h}"`).join(', ')}]
  rules:
  - matches: [{path: {type: PathPrefix, value: ${prefix}}}]
    backendRefs: [{name: ${echo}, port: 8080}]`;
}

const listener = (name: string, hostname?: string): string =>
  `  - {name: ${name}, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}${hostname ? `, hostname: "${hostname}"` : ''}}`;

const MANIFESTS = [
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: httproute-hostname-intersection, namespace: ${NS}}
spec:
  gatewayClassName: sidelane
  listeners:
${[listener('listener-1', 'very.specific.com'), listener('listener-2', '*.wildcard.io'), listener('listener-3', '*.anotherwildcard.io')].join('\n')}`,
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: httproute-hostname-intersection-all, namespace: ${NS}}
spec:
  gatewayClassName: sidelane
  listeners:
${listener('listener-1')}`,
  route('specific-host-matches-listener-specific-host', 'httproute-hostname-intersection', ['non.matching.com', '*.nonmatchingwildcard.io', 'very.specific.com'], '/s1', 'infra-backend-v1'),
  route('specific-host-matches-listener-wildcard-host', 'httproute-hostname-intersection', ['non.matching.com', 'wildcard.io', 'foo.wildcard.io', 'bar.wildcard.io', 'foo.bar.wildcard.io'], '/s2', 'infra-backend-v2'),
  route('wildcard-host-matches-listener-specific-host', 'httproute-hostname-intersection', ['non.matching.com', '*.specific.com'], '/s3', 'infra-backend-v3'),
  route('wildcard-host-matches-listener-wildcard-host', 'httproute-hostname-intersection', ['*.anotherwildcard.io'], '/s4', 'infra-backend-v1'),
  route('no-intersecting-hosts', 'httproute-hostname-intersection', ['specific.but.wrong.com', 'wildcard.io'], '/s5', 'infra-backend-v2'),
  route('httproute-hostname-intersection-all', 'httproute-hostname-intersection-all', ['first.com', '*.first.com', 'second.com', '*.second.com'], '/', 'infra-backend-v2'),
].join('\n---\n');

describe('hostname intersection between listeners and routes', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({
      echoes: [`${NS}/infra-backend-v1`, `${NS}/infra-backend-v2`, `${NS}/infra-backend-v3`],
      manifests: MANIFESTS,
    });
  });
  after(() => gw.close());

  async function expectAnswer(host: string, path: string, expected: string | 404): Promise<void> {
    const res = await gw.get(path, { host });
    if (expected === 404) {
      assert.equal(res.status, 404, `${host}${path} should not be routed, got ${res.status} from ${res.json?.name ?? 'the proxy'}`);
      return;
    }
    assert.equal(res.status, 200, `${host}${path}: ${res.status} ${res.body}`);
    assert.equal(res.json?.name, expected, `${host}${path}`);
  }

  const cases: [host: string, path: string, expected: string | 404][] = [
    // specific-host-matches-listener-specific-host
    ['very.specific.com', '/s1', 'infra-backend-v1'],
    ['very.specific.com:1234', '/s1', 'infra-backend-v1'],
    ['non.matching.com', '/s1', 404],
    ['foo.nonmatchingwildcard.io', '/s1', 404],
    ['foo.wildcard.io', '/s1', 404],
    ['very.specific.com', '/non-matching-prefix', 404],
    // specific-host-matches-listener-wildcard-host
    ['foo.wildcard.io', '/s2', 'infra-backend-v2'],
    ['bar.wildcard.io', '/s2', 'infra-backend-v2'],
    ['foo.bar.wildcard.io', '/s2', 'infra-backend-v2'],
    ['non.matching.com', '/s2', 404],
    ['wildcard.io', '/s2', 404],
    ['very.specific.com', '/s2', 404],
    ['foo.wildcard.io', '/non-matching-prefix', 404],
    // wildcard-host-matches-listener-specific-host
    ['very.specific.com', '/s3', 'infra-backend-v3'],
    ['non.matching.com', '/s3', 404],
    ['foo.specific.com', '/s3', 404],
    ['foo.wildcard.io', '/s3', 404],
    // wildcard-host-matches-listener-wildcard-host
    ['foo.anotherwildcard.io', '/s4', 'infra-backend-v1'],
    ['bar.anotherwildcard.io', '/s4', 'infra-backend-v1'],
    ['foo.bar.anotherwildcard.io', '/s4', 'infra-backend-v1'],
    ['anotherwildcard.io', '/s4', 404],
    ['foo.wildcard.io', '/s4', 404],
    ['very.specific.com', '/s4', 404],
    // no-intersecting-hosts
    ['specific.but.wrong.com', '/s5', 404],
    ['wildcard.io', '/s5', 404],
    // a listener without hostname: the route's own names decide
    ['first.com', '/', 'infra-backend-v2'],
    ['sub.first.com', '/', 'infra-backend-v2'],
    ['second.com', '/', 'infra-backend-v2'],
    ['sub.second.com', '/', 'infra-backend-v2'],
    ['third.com', '/', 404],
    ['sub.third.com', '/', 404],
  ];
  for (const [host, path, expected] of cases) {
    test(`${host}${path} → ${expected}`, () => expectAnswer(host, path, expected));
  }

  test('host names are matched case-insensitively', () => expectAnswer('Very.Specific.COM', '/s1', 'infra-backend-v1'));

  test('routes that intersect are Accepted with their refs resolved', () => {
    for (const name of [
      'specific-host-matches-listener-specific-host',
      'specific-host-matches-listener-wildcard-host',
      'wildcard-host-matches-listener-specific-host',
      'wildcard-host-matches-listener-wildcard-host',
    ]) {
      const parent = gatewayParent(gw.statusOf('HTTPRoute', NS, name), 'httproute-hostname-intersection');
      const conditions = conditionsOf(parent?.conditions);
      assert.equal(conditions['Accepted'], 'True/Accepted', name);
      assert.equal(conditions['ResolvedRefs'], 'True/ResolvedRefs', name);
    }
  });

  test('a route with no hostname in common with any listener is not Accepted: NoMatchingListenerHostname', () => {
    const parent = gatewayParent(gw.statusOf('HTTPRoute', NS, 'no-intersecting-hosts'), 'httproute-hostname-intersection');
    assert.ok(parent, 'the route has a status entry for the Gateway');
    assert.equal(conditionsOf(parent.conditions)['Accepted'], 'False/NoMatchingListenerHostname');
  });

  test('attachedRoutes counts only the routes each listener accepted', () => {
    const status = gw.statusOf('Gateway', NS, 'httproute-hostname-intersection');
    assert.ok(status, 'the Gateway has a status');
    assert.deepEqual(
      status.listeners.map((l) => [l.name, l.attachedRoutes]),
      [['listener-1', 2], ['listener-2', 1], ['listener-3', 1]],
    );
    for (const l of status.listeners) {
      assert.equal(conditionsOf(l.conditions)['Accepted'], 'True/Accepted', l.name);
      assert.equal(conditionsOf(l.conditions)['ResolvedRefs'], 'True/ResolvedRefs', l.name);
      assert.ok(l.supportedKinds.some((k) => k.group === 'gateway.networking.k8s.io' && k.kind === 'HTTPRoute'), l.name);
    }
  });
});
