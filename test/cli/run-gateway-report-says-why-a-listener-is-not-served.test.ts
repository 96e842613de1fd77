// What `sidelane run` prints about Gateways, from the translator's real output: where each listener
// is served (after the offset, or "not bound"), and each condition that keeps a listener or a route
// from being served, with its reason and message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, parseManifests } from '../../src/api/objects.js';
import { gatewayReport } from '../../src/cli/run-gateway-report.js';
import { translate } from '../../src/translate/index.js';

const YAML = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: sidelane}
spec: {controllerName: sidelane.io/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: edge}
spec:
  gatewayClassName: sidelane
  listeners:
  - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: Same}}}
  - {name: https, protocol: HTTPS, port: 443, tls: {mode: Terminate, certificateRefs: [{name: gone}]}}
  - {name: db, protocol: TCP, port: 5432}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: outsider, namespace: other}
spec:
  parentRefs: [{name: public, namespace: edge, sectionName: http}]
  rules: [{backendRefs: [{name: web, namespace: edge, port: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: edge}
spec: {clusterIP: 10.96.0.10, ports: [{name: http, port: 80}]}`;

test('served listeners say where; a missing Secret and a route from a namespace not allowed say why', () => {
  const parsed = parseManifests(YAML, 'gateway.yaml');
  assert.deepEqual(parsed.errors, []);
  const result = translate(classify(parsed.objects, 'default').snapshot, { gatewayAddresses: [{ type: 'IPAddress', value: '127.0.0.1' }] });
  const report = gatewayReport(result, (className, port, transport) =>
    className === 'sidelane' && transport === 'TCP' && port === 80 ? { host: '127.0.0.1', port: 8080 } : undefined,
  );
  assert.deepEqual(report.served, [
    'Gateway edge/public listener http (HTTP 80) on http://127.0.0.1:8080',
    'Gateway edge/public listener db (TCP 5432) on port 5432: not bound (see the log)',
  ]);
  const problems = report.problems.join('\n');
  assert.match(problems, /^Gateway edge\/public listener https: ResolvedRefs=False \(InvalidCertificateRef\): .*gone/m);
  assert.match(problems, /^Gateway edge\/public listener https: Programmed=False/m);
  assert.match(problems, /^HTTPRoute other\/outsider on Gateway edge\/public listener http: Accepted=False \(NotAllowedByListeners\)/m);
  assert.doesNotMatch(problems, /^Gateway edge\/public listener (http|db):/m, 'healthy listeners are not problems');
  assert.match(problems, /RefNotPermitted/, 'a backend in another namespace without a grant is said too');
});

test('a class not asked for is not reported as served', () => {
  const parsed = parseManifests(YAML, 'gateway.yaml');
  const result = translate(classify(parsed.objects, 'default').snapshot);
  assert.deepEqual(gatewayReport(result, () => undefined, ['another-class']).served, []);
});
