// Least privilege, asked of the real RBAC authorizer (SubjectAccessReview) after applying the
// chart's RBAC: the controller's and the injector's ServiceAccounts may do what their code does
// (src/controller/kube, injector/kube-objects.ts) and nothing next to it; the gateway's may do
// nothing at all (it only shows its token to the controller).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedKube, uniqueNamespace, type KubeEnv } from '../support/kube.js';
import { installChartRbac, serviceAccountMay, type Access, type InstalledRbac } from './chart-rbac-fixture.js';

let kube: KubeEnv;
let rbac: InstalledRbac | undefined;
let ns: string;
const GATEWAY = 'gateway.networking.k8s.io';

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'sidelane-rbac');
  rbac = await installChartRbac(kube, ns);
});

after(async () => {
  await rbac?.remove();
  await kube.stop();
});

async function check(account: string, allowed: Access[], denied: Access[]): Promise<void> {
  const show = (a: Access): string =>
    `${a.verb} ${a.group ? `${a.group}/` : ''}${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.name ? ` ${a.name}` : ''}${a.namespace ? ` in ${a.namespace}` : ''}`;
  const wrong: string[] = [];
  for (const access of allowed) if (!(await serviceAccountMay(kube, ns, account, access))) wrong.push(`denied but needed: ${show(access)}`);
  for (const access of denied) if (await serviceAccountMay(kube, ns, account, access)) wrong.push(`allowed but not needed: ${show(access)}`);
  assert.deepEqual(wrong, [], account);
}

test('the controller may watch the mesh, write route and gateway status, review tokens and hold its Lease; nothing else', { timeout: 60_000 }, async () => {
  const routes = ['httproutes', 'grpcroutes', 'tcproutes', 'tlsroutes', 'udproutes'];
  // Objects whose status the controller writes (and re-reads one by one after a conflict).
  const withStatus = [...routes, 'gateways', 'gatewayclasses'];
  await check('sidelane-controller', [
    ...['list', 'watch'].flatMap((verb) => [
      { verb, resource: 'services' },
      { verb, resource: 'namespaces' },
      { verb, resource: 'endpointslices', group: 'discovery.k8s.io' },
      ...['gateways', 'gatewayclasses', 'referencegrants', ...routes].map((resource) => ({ verb, resource, group: GATEWAY })),
      { verb, resource: 'secrets', namespace: 'default' },
      { verb, resource: 'configmaps', namespace: 'default' },
    ]),
    ...withStatus.map((resource) => ({ verb: 'get', resource, group: GATEWAY, namespace: 'default', name: 'web' })),
    ...withStatus.map((resource) => ({ verb: 'patch', resource, subresource: 'status', group: GATEWAY, namespace: 'default', name: 'web' })),
    { verb: 'create', resource: 'tokenreviews', group: 'authentication.k8s.io' },
    { verb: 'create', resource: 'leases', group: 'coordination.k8s.io', namespace: ns },
    { verb: 'get', resource: 'leases', group: 'coordination.k8s.io', namespace: ns, name: 'sidelane-controller' },
    { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: ns, name: 'sidelane-controller' },
  ], [
    { verb: 'create', resource: 'pods', namespace: 'default' },
    { verb: 'list', resource: 'pods' },
    { verb: 'delete', resource: 'services', namespace: 'default', name: 'web' },
    { verb: 'update', resource: 'services', namespace: 'default', name: 'web' },
    { verb: 'get', resource: 'secrets', namespace: 'default', name: 'anything' },
    { verb: 'create', resource: 'secrets', namespace: ns },
    { verb: 'get', resource: 'configmaps', namespace: 'default', name: 'anything' },
    { verb: 'update', resource: 'configmaps', namespace: 'default', name: 'anything' },
    { verb: 'patch', resource: 'httproutes', group: GATEWAY, namespace: 'default', name: 'web' },
    { verb: 'update', resource: 'httproutes', subresource: 'status', group: GATEWAY, namespace: 'default', name: 'web' },
    { verb: 'patch', resource: 'gateways', group: GATEWAY, namespace: 'default', name: 'edge' },
    { verb: 'update', resource: 'gateways', subresource: 'status', group: GATEWAY, namespace: 'default', name: 'edge' },
    { verb: 'patch', resource: 'gatewayclasses', group: GATEWAY, name: 'sidelane' },
    { verb: 'create', resource: 'gatewayclasses', group: GATEWAY },
    { verb: 'patch', resource: 'referencegrants', subresource: 'status', group: GATEWAY, namespace: 'default', name: 'grant' },
    { verb: 'delete', resource: 'httproutes', group: GATEWAY, namespace: 'default', name: 'web' },
    { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: ns, name: 'someone-elses' },
    { verb: 'delete', resource: 'leases', group: 'coordination.k8s.io', namespace: ns, name: 'sidelane-controller' },
    { verb: 'create', resource: 'leases', group: 'coordination.k8s.io', namespace: 'kube-system' },
    { verb: 'get', resource: 'leases', group: 'coordination.k8s.io', namespace: 'kube-system', name: 'sidelane-controller' },
    { verb: 'create', resource: 'subjectaccessreviews', group: 'authorization.k8s.io' },
    { verb: 'list', resource: 'customresourcedefinitions', group: 'apiextensions.k8s.io' },
  ]);
});

test('the injector may keep its own TLS Secret and patch its own webhook configuration; nothing else', { timeout: 60_000 }, async () => {
  const webhooks = { resource: 'mutatingwebhookconfigurations', group: 'admissionregistration.k8s.io' };
  const own = rbac?.webhookConfigName ?? '';
  await check('sidelane-injector', [
    { verb: 'get', resource: 'secrets', namespace: ns, name: 'sidelane-injector-tls' },
    { verb: 'update', resource: 'secrets', namespace: ns, name: 'sidelane-injector-tls' },
    { verb: 'create', resource: 'secrets', namespace: ns },
    { verb: 'get', ...webhooks, name: own },
    { verb: 'patch', ...webhooks, name: own },
  ], [
    { verb: 'patch', ...webhooks, name: 'someone-elses' },
    { verb: 'get', ...webhooks, name: 'someone-elses' },
    { verb: 'list', ...webhooks },
    { verb: 'delete', ...webhooks, name: own },
    { verb: 'patch', resource: 'validatingwebhookconfigurations', group: 'admissionregistration.k8s.io', name: own },
    { verb: 'get', resource: 'secrets', namespace: ns, name: 'other-secret' },
    { verb: 'list', resource: 'secrets', namespace: ns },
    { verb: 'delete', resource: 'secrets', namespace: ns, name: 'sidelane-injector-tls' },
    { verb: 'get', resource: 'secrets', namespace: 'default', name: 'sidelane-injector-tls' },
    { verb: 'create', resource: 'secrets', namespace: 'default' },
    { verb: 'create', resource: 'pods', namespace: ns },
    { verb: 'list', resource: 'pods' },
    { verb: 'list', resource: 'services' },
  ]);
});

test('the gateway\'s ServiceAccount may do nothing with the API server', { timeout: 60_000 }, async () => {
  await check('sidelane-gateway', [], [
    { verb: 'list', resource: 'secrets' },
    { verb: 'get', resource: 'secrets', namespace: ns, name: 'sidelane-injector-tls' },
    { verb: 'list', resource: 'services' },
    { verb: 'list', resource: 'gateways', group: GATEWAY },
    { verb: 'patch', resource: 'gateways', subresource: 'status', group: GATEWAY, namespace: ns, name: 'edge' },
    { verb: 'create', resource: 'tokenreviews', group: 'authentication.k8s.io' },
    { verb: 'get', resource: 'leases', group: 'coordination.k8s.io', namespace: ns, name: 'sidelane-controller' },
  ]);
});
