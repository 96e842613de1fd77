// A parentRef to a Gateway attaches to every listener that will take the route; `sectionName`
// narrows it to the listener of that name, `port` to the listeners of that port, both to the one
// listener that has both. A ref that names no listener (or a section on another port) is not
// Accepted: NoMatchingParent. Adapted from the conformance tests HTTPRouteListenerPortMatching
// and the sectionName cases of GatewayWithAttachedRoutes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conditionsOf, gatewayParent, startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

function route(name: string, parentRef: string, echo: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: multi${parentRef}}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /${name}}}]
    backendRefs: [{name: ${echo}, port: 8080}]`;
}

const MANIFESTS = [
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: multi}
spec:
  gatewayClassName: sidelane
  listeners:
  - {name: http-a, port: 80, protocol: HTTP, hostname: a.example.com}
  - {name: http-b, port: 80, protocol: HTTP, hostname: b.example.com}
  - {name: http-8080, port: 8080, protocol: HTTP}`,
  route('whole-gateway', '', 'infra-backend-v1'),
  route('section-a', ', sectionName: http-a', 'infra-backend-v2'),
  route('port-8080', ', port: 8080', 'infra-backend-v3'),
  route('port-80', ', port: 80', 'infra-backend-v2'),
  route('section-b-port-80', ', sectionName: http-b, port: 80', 'infra-backend-v3'),
  route('missing-section', ', sectionName: nope', 'infra-backend-v1'),
  route('unused-port', ', port: 9999', 'infra-backend-v1'),
  route('section-on-other-port', ', sectionName: http-a, port: 8080', 'infra-backend-v1'),
].join('\n---\n');

type Where = [host: string, port: number];
const A: Where = ['a.example.com', 80];
const B: Where = ['b.example.com', 80];
const P8080: Where = ['c.example.com', 8080];

describe('sectionName and port in parentRefs', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({ echoes: ['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v3'], manifests: MANIFESTS });
  });
  after(() => gw.close());

  async function answer([host, port]: Where, path: string): Promise<string | number> {
    const res = await gw.get(path, { host, port });
    return res.status === 200 ? (res.json?.name ?? '?') : res.status;
  }

  const cases: [route: string, servedAt: Where[], echo: string][] = [
    ['whole-gateway', [A, B, P8080], 'infra-backend-v1'],
    ['section-a', [A], 'infra-backend-v2'],
    ['port-8080', [P8080], 'infra-backend-v3'],
    ['port-80', [A, B], 'infra-backend-v2'],
    ['section-b-port-80', [B], 'infra-backend-v3'],
    ['missing-section', [], ''],
    ['unused-port', [], ''],
    ['section-on-other-port', [], ''],
  ];
  for (const [name, servedAt, echo] of cases) {
    test(`${name} is served ${servedAt.length === 0 ? 'nowhere' : `at ${servedAt.map(([h, p]) => `${h}:${p}`).join(', ')}`}`, async () => {
      for (const where of [A, B, P8080]) {
        const expected = servedAt.includes(where) ? echo : 404;
        assert.equal(await answer(where, `/${name}`), expected, `${where[0]}:${where[1]}/${name}`);
      }
    });
  }

  test('refs that name no listener are not Accepted: NoMatchingParent', () => {
    const refs: [string, { sectionName?: string; port?: number }][] = [
      ['missing-section', { sectionName: 'nope' }],
      ['unused-port', { port: 9999 }],
      ['section-on-other-port', { sectionName: 'http-a', port: 8080 }],
    ];
    for (const [name, ref] of refs) {
      const parent = gatewayParent(gw.statusOf('HTTPRoute', 'default', name), 'multi', ref);
      assert.ok(parent, `${name} has a status entry echoing its parentRef`);
      assert.equal(conditionsOf(parent.conditions)['Accepted'], 'False/NoMatchingParent', name);
    }
  });

  test('the status echoes each parentRef as written, defaults filled in', () => {
    const parent = gatewayParent(gw.statusOf('HTTPRoute', 'default', 'section-b-port-80'), 'multi', { sectionName: 'http-b', port: 80 });
    assert.deepEqual(parent?.parentRef, { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'multi', sectionName: 'http-b', port: 80 });
    assert.equal(conditionsOf(parent.conditions)['Accepted'], 'True/Accepted');
  });

  test('attachedRoutes per listener counts the routes that attached to it', () => {
    const status = gw.statusOf('Gateway', 'default', 'multi');
    assert.deepEqual(
      status?.listeners.map((l) => [l.name, l.attachedRoutes]),
      // whole-gateway everywhere; section-a, port-80 on a; port-80, section-b-port-80 on b; port-8080.
      [['http-a', 3], ['http-b', 3], ['http-8080', 2]],
    );
  });
});
