// allowedRoutes.namespaces decides which namespaces' routes a listener takes: `Same` (the
// default) only the Gateway's, `All` any, `Selector` those whose Namespace labels match. A route
// refused by every listener is not served and says why (Accepted=False NotAllowedByListeners).
// Labels are read live: relabelling a namespace attaches or detaches its routes. Adapted from the
// conformance test HTTPRouteCrossNamespace and the base Gateways same-namespace, all-namespaces
// and backend-namespaces (one port each here: one shared proxy serves them all).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conditionsOf, gatewayParent, startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

const INFRA = 'gateway-conformance-infra';
const WEB = 'gateway-conformance-web-backend';
const OTHER = 'unlabelled';

function gateway(name: string, port: number, namespaces: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${INFRA}}
spec:
  gatewayClassName: sidelane
  listeners:
  - {name: http, port: ${port}, protocol: HTTP${namespaces === '' ? '' : `, allowedRoutes: {namespaces: ${namespaces}}`}}`;
}

function route(name: string, namespace: string, gatewayName: string, echo: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  parentRefs: [{name: ${gatewayName}, namespace: ${INFRA}}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /${name}}}]
    backendRefs: [{name: ${echo}, port: 8080}]`;
}

function manifests(webLabelled: boolean): string {
  return [
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${INFRA}, labels: {gateway-conformance: infra}}`,
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${WEB}${webLabelled ? ', labels: {gateway-conformance: backend}' : ''}}`,
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${OTHER}}`,
    gateway('backend-namespaces', 80, '{from: Selector, selector: {matchLabels: {gateway-conformance: backend}}}'),
    gateway('same-namespace', 8080, '{from: Same}'),
    gateway('default-namespaces', 8081, ''),
    gateway('all-namespaces', 8082, '{from: All}'),
    route('cross-namespace', WEB, 'backend-namespaces', 'web-backend'),
    route('unlabelled-to-selector', OTHER, 'backend-namespaces', 'web-backend'),
    route('same-namespace', INFRA, 'same-namespace', 'infra-backend-v1'),
    route('web-to-same', WEB, 'same-namespace', 'web-backend'),
    route('web-to-default', WEB, 'default-namespaces', 'web-backend'),
    route('infra-to-default', INFRA, 'default-namespaces', 'infra-backend-v1'),
    route('unlabelled-to-all', OTHER, 'all-namespaces', 'other-backend'),
  ].join('\n---\n');
}

describe('allowedRoutes.namespaces', () => {
  let gw: SpecGateway;
  before(async () => {
    gw = await startSpecGateway({
      echoes: [`${INFRA}/infra-backend-v1`, `${WEB}/web-backend`, `${OTHER}/other-backend`],
      manifests: manifests(true),
    });
  });
  after(() => gw.close());

  async function expectServed(port: number, path: string, echo: string): Promise<void> {
    const res = await gw.get(path, { port });
    assert.equal(res.status, 200, `:${port}${path}: ${res.body}`);
    assert.equal(res.json?.name, echo);
  }
  async function expectNotServed(port: number, path: string): Promise<void> {
    const res = await gw.get(path, { port });
    assert.equal(res.status, 404, `:${port}${path} was served by ${res.json?.name ?? 'the proxy'} (${res.status})`);
  }
  function accepted(namespace: string, name: string, gatewayName: string): string | undefined {
    return conditionsOf(gatewayParent(gw.statusOf('HTTPRoute', namespace, name), gatewayName)?.conditions)['Accepted'];
  }

  test('HTTPRouteCrossNamespace: a route of a selected namespace reaches its backend', async () => {
    await expectServed(80, '/cross-namespace', 'web-backend');
    assert.equal(accepted(WEB, 'cross-namespace', 'backend-namespaces'), 'True/Accepted');
  });

  test('Selector refuses a namespace without the label', async () => {
    await expectNotServed(80, '/unlabelled-to-selector');
    assert.equal(accepted(OTHER, 'unlabelled-to-selector', 'backend-namespaces'), 'False/NotAllowedByListeners');
  });

  test('Same takes the Gateway namespace only', async () => {
    await expectServed(8080, '/same-namespace', 'infra-backend-v1');
    await expectNotServed(8080, '/web-to-same');
    assert.equal(accepted(WEB, 'web-to-same', 'same-namespace'), 'False/NotAllowedByListeners');
  });

  test('without allowedRoutes a listener behaves as Same', async () => {
    await expectServed(8081, '/infra-to-default', 'infra-backend-v1');
    await expectNotServed(8081, '/web-to-default');
    assert.equal(accepted(WEB, 'web-to-default', 'default-namespaces'), 'False/NotAllowedByListeners');
  });

  test('All takes any namespace', async () => {
    await expectServed(8082, '/unlabelled-to-all', 'other-backend');
    assert.equal(accepted(OTHER, 'unlabelled-to-all', 'all-namespaces'), 'True/Accepted');
  });

  test('attachedRoutes counts the admitted routes only', () => {
    const count = (name: string): number | undefined => gw.statusOf('Gateway', INFRA, name)?.listeners[0]?.attachedRoutes;
    assert.equal(count('backend-namespaces'), 1);
    assert.equal(count('same-namespace'), 1);
    assert.equal(count('default-namespaces'), 1);
    assert.equal(count('all-namespaces'), 1);
  });

  test('removing the label detaches the routes of that namespace, putting it back attaches them', async () => {
    await gw.apply(manifests(false));
    await expectNotServed(80, '/cross-namespace');
    assert.equal(accepted(WEB, 'cross-namespace', 'backend-namespaces'), 'False/NotAllowedByListeners');
    assert.equal(gw.statusOf('Gateway', INFRA, 'backend-namespaces')?.listeners[0]?.attachedRoutes, 0);
    await gw.apply(manifests(true));
    await expectServed(80, '/cross-namespace', 'web-backend');
  });
});
