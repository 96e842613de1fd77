// classify sorts parsed objects into the translator's snapshot as the API server would serve them:
// namespaces defaulted, Gateway API objects defaulted and converted to v1, undeclared namespaces
// synthesized, and anything else listed as ignored with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, parseManifests, SYNTHESIZED_ANNOTATION } from '../../src/api/objects.js';

const manifests = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { tier: front } }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { ports: [{ port: 80 }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: web-1, namespace: shop, labels: { kubernetes.io/service-name: web } }
addressType: IPv4
endpoints: []
---
apiVersion: v1
kind: Secret
metadata: { name: tls, namespace: shop }
stringData: { token: hi }
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: HTTPRoute
metadata: { name: web }
spec: { parentRefs: [{ name: web, kind: Service, group: "" }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: sidelane, namespace: ignored-for-cluster-scoped }
spec: { controllerName: sidelane.io/gateway }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
---
apiVersion: gateway.networking.k8s.io/v1alpha1
kind: HTTPRoute
metadata: { name: old }
spec: {}
`;

test('objects land in the snapshot as the API server would serve them', () => {
  const parsed = parseManifests(manifests, 'all.yaml');
  assert.deepEqual(parsed.errors, []);
  const before = structuredClone(parsed.objects);
  const { snapshot, ignored, errors, warnings } = classify(parsed.objects, 'default');
  assert.deepEqual(parsed.objects, before, 'classify must not modify its input');

  assert.equal(snapshot.services[0]?.metadata?.namespace, 'default');
  assert.equal(snapshot.endpointSlices[0]?.metadata?.name, 'web-1');
  assert.deepEqual(snapshot.secrets[0]?.data, { token: Buffer.from('hi').toString('base64') });
  assert.equal(snapshot.secrets[0].stringData, undefined);

  const route = snapshot.httpRoutes[0];
  assert.equal(route?.apiVersion, 'gateway.networking.k8s.io/v1');
  assert.equal(route.metadata.namespace, 'default');
  assert.deepEqual(route.spec.rules, [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }]);

  const gc = snapshot.gatewayClasses[0];
  assert.equal(gc?.metadata.namespace, undefined, 'cluster-scoped objects have no namespace');

  assert.deepEqual(
    snapshot.namespaces.map((ns) => [ns.metadata?.name, ns.metadata?.labels, ns.metadata?.annotations]),
    [
      ['shop', { tier: 'front', 'kubernetes.io/metadata.name': 'shop' }, undefined],
      ['default', { 'kubernetes.io/metadata.name': 'default' }, { [SYNTHESIZED_ANNOTATION]: 'true' }],
    ],
  );

  assert.deepEqual(ignored, [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      source: 'all.yaml',
      document: 7,
      reason: 'Sidelane does not read Deployment (apps/v1)',
    },
  ]);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.document, 8);
  assert.equal(errors[0].object, 'HTTPRoute default/old');
  assert.match(errors[0].message, /not a served version/);
  assert.deepEqual(warnings, []);
});

test('a second definition of the same object wins, with a warning', () => {
  const svc = (port: number): string =>
    `apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: a }\nspec: { ports: [{ port: ${port} }] }\n`;
  const { objects } = parseManifests(`${svc(80)}---\n${svc(81)}`, 'dup.yaml');
  const { snapshot, warnings } = classify(objects, 'default');
  assert.equal(snapshot.services.length, 1);
  assert.equal(snapshot.services[0]?.spec?.ports?.[0]?.port, 81);
  assert.equal(warnings[0]?.object, 'Service a/web');
  assert.equal(warnings[0].document, 2);
});

test('objects built in code (no source) classify too', () => {
  const { snapshot } = classify([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }], 'ns1');
  assert.equal(snapshot.services[0]?.metadata?.namespace, 'ns1');
  assert.equal(snapshot.namespaces[0]?.metadata?.name, 'ns1');
});
