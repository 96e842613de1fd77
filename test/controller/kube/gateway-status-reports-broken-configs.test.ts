// Against a real API server, the status of broken gateway configs: listeners that cannot share a
// port are Conflicted; a certificateRef to a missing Secret is ResolvedRefs False
// (InvalidCertificateRef) until the Secret appears; a route from a namespace the listener does
// not allow is not Accepted (NotAllowedByListeners); a route whose hostnames miss the listener's
// is not Accepted (NoMatchingListenerHostname). Each Gateway has ports of its own: the Gateways
// of a class share one deployment, so they would otherwise conflict with each other.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { selfSignedCertificate, tlsSecretYaml } from '../../support/spec-gateway.js';
import { applyObjects, applyYaml, sharedKube, uniqueNamespace, type KubeEnv } from '../../support/kube.js';
import {
  conditionOf,
  gateway,
  gatewayWhere,
  listenerOf,
  routeParent,
  routeTo,
  routeWhere,
  startGatewaySetup,
  type GatewayTestSetup,
} from './gateway-fixture.js';
import { service } from './kube-controller-fixture.js';

let kube: KubeEnv;
let ns: string;
let other: string;
let setup: GatewayTestSetup | undefined;

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'gw-broken');
  other = await uniqueNamespace(kube, 'gw-broken-other');
  await applyObjects(kube, [service(ns, 'backend'), service(other, 'backend')]);
  setup = await startGatewaySetup(kube, ns);
});

after(async () => {
  await setup?.close();
  await kube.stop();
});

function current(): GatewayTestSetup {
  if (!setup) throw new Error('set-up failed');
  return setup;
}

test('listeners that cannot share a port are both Conflicted and not Programmed', { timeout: 30_000 }, async () => {
  await applyObjects(kube, [
    gateway(ns, 'clash', current().className, [
      { name: 'web', port: 8001, protocol: 'HTTP' },
      { name: 'raw', port: 8001, protocol: 'TCP' },
    ]),
  ]);
  const stored = await gatewayWhere(kube, ns, 'clash', 'Conflicted listeners', (g) =>
    ['web', 'raw'].every((name) => conditionOf(listenerOf(g, name)?.conditions, 'Conflicted')?.status === 'True'),
  );
  for (const name of ['web', 'raw']) {
    const conditions = listenerOf(stored, name)?.conditions;
    assert.equal(conditionOf(conditions, 'Conflicted')?.reason, 'ProtocolConflict', name);
    assert.equal(conditionOf(conditions, 'Programmed')?.status, 'False', name);
  }
});

test('a missing certificate Secret is InvalidCertificateRef, and resolves once the Secret exists', { timeout: 60_000 }, async () => {
  await applyObjects(kube, [
    gateway(ns, 'tls', current().className, [
      { name: 'https', port: 8443, protocol: 'HTTPS', hostname: 'secure.example.com', tls: { mode: 'Terminate', certificateRefs: [{ name: 'secure-cert' }] } },
    ]),
  ]);
  const missing = await gatewayWhere(kube, ns, 'tls', 'ResolvedRefs False', (g) => conditionOf(listenerOf(g, 'https')?.conditions, 'ResolvedRefs')?.status === 'False');
  assert.equal(conditionOf(listenerOf(missing, 'https')?.conditions, 'ResolvedRefs')?.reason, 'InvalidCertificateRef');
  assert.equal(conditionOf(listenerOf(missing, 'https')?.conditions, 'Programmed')?.status, 'False');

  await applyYaml(kube, tlsSecretYaml('secure-cert', ns, selfSignedCertificate(['secure.example.com'])), ns);
  const resolved = await gatewayWhere(kube, ns, 'tls', 'ResolvedRefs True', (g) => conditionOf(listenerOf(g, 'https')?.conditions, 'ResolvedRefs')?.status === 'True');
  assert.equal(conditionOf(listenerOf(resolved, 'https')?.conditions, 'Programmed')?.status, 'True');
});

test('a route from a namespace the listener does not allow is NotAllowedByListeners', { timeout: 30_000 }, async () => {
  const { className, controllerName } = current();
  await applyObjects(kube, [
    gateway(ns, 'same-only', className, [{ name: 'http', port: 8002, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }]),
    routeTo(other, 'outsider', [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: ns, name: 'same-only' }]),
    routeTo(ns, 'insider', [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'same-only' }]),
  ]);
  const outsider = await routeWhere(kube, other, 'outsider', 'the outsider\'s entry', (r) => routeParent(r, controllerName, 'same-only') !== undefined);
  const accepted = conditionOf(routeParent(outsider, controllerName, 'same-only')?.conditions, 'Accepted');
  assert.equal(accepted?.status, 'False');
  assert.equal(accepted.reason, 'NotAllowedByListeners');
  const insider = await routeWhere(kube, ns, 'insider', 'the insider\'s entry', (r) => routeParent(r, controllerName, 'same-only') !== undefined);
  assert.equal(conditionOf(routeParent(insider, controllerName, 'same-only')?.conditions, 'Accepted')?.status, 'True');
  await gatewayWhere(kube, ns, 'same-only', 'only the insider attached', (g) => listenerOf(g, 'http')?.attachedRoutes === 1);
});

test('a route whose hostnames miss the listener\'s is NoMatchingListenerHostname', { timeout: 30_000 }, async () => {
  const { className, controllerName } = current();
  await applyObjects(kube, [
    gateway(ns, 'named', className, [{ name: 'http', port: 8003, protocol: 'HTTP', hostname: 'a.example.com', allowedRoutes: { namespaces: { from: 'All' } } }]),
    routeTo(ns, 'elsewhere', [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'named' }], ['b.example.com']),
  ]);
  const route = await routeWhere(kube, ns, 'elsewhere', 'the route\'s entry', (r) => routeParent(r, controllerName, 'named') !== undefined);
  const accepted = conditionOf(routeParent(route, controllerName, 'named')?.conditions, 'Accepted');
  assert.equal(accepted?.status, 'False');
  assert.equal(accepted.reason, 'NoMatchingListenerHostname');
  const stored = await gatewayWhere(kube, ns, 'named', 'the listener written', (g) => listenerOf(g, 'http') !== undefined);
  assert.equal(listenerOf(stored, 'http')?.attachedRoutes, 0);
});
