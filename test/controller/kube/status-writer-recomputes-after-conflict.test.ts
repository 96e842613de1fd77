// The status apply carries the resourceVersion it was computed from: written from a stale copy
// (another controller has written since), it gets 409 Conflict, re-reads the route and applies
// again, keeping the entry the other controller added.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { applyObjects, sharedKube, uniqueNamespace, type KubeEnv } from '../../support/kube.js';
import type { KubeObject } from '../../../src/api/objects.js';
import { KubeHttp, objectPath } from '../../../src/controller/kube/kube-http.js';
import { StatusWriter, routeKey, type StatusWriteResult } from '../../../src/controller/kube/status-writer.js';
import type { RouteStatusIR } from '../../../src/ir/index.js';
import { condition, getHttpRoute, httpRoute, ourParent } from './kube-controller-fixture.js';

let kube: KubeEnv;
let ns: string;

before(async () => {
  kube = await sharedKube();
  ns = await uniqueNamespace(kube, 'status-conflict');
  await applyObjects(kube, [httpRoute(ns, 'route', 'web', 'web')]);
});

after(async () => {
  await kube.stop();
});

test('a stale write conflicts, is recomputed from a fresh read, and keeps the other entry', { timeout: 30_000 }, async () => {
  const http = new KubeHttp(kube.kubeConfig);
  const resource = { kind: 'HTTPRoute', apiVersion: 'gateway.networking.k8s.io/v1', plural: 'httproutes', namespaced: true };
  const path = objectPath(resource.apiVersion, resource.plural, ns, 'route');
  const stale = (await http.get(path)) as KubeObject;

  const other = {
    parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' },
    controllerName: 'example.com/gateway-controller',
    conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' }],
  };
  await http.request('PUT', `${path}/status`, { body: { ...stale, status: { parents: [other] } } });

  const results: StatusWriteResult[] = [];
  const writer = new StatusWriter({
    http,
    log: pino({ level: process.env.SIDELANE_TEST_LOG ?? 'silent' }),
    routes: { routes: () => [{ resource, object: stale }] },
    onWrite: (result) => results.push(result),
  });
  const status: RouteStatusIR = {
    kind: 'HTTPRoute',
    namespace: ns,
    name: 'route',
    generation: 1,
    parents: [
      {
        parentRef: { group: '', kind: 'Service', name: 'web', port: 80 },
        controllerName: 'sidelane.io/mesh-controller',
        conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'ok', observedGeneration: 1 }],
      },
    ],
  };
  writer.update([status], new Map([[routeKey('HTTPRoute', ns, 'route'), 1]]));
  writer.setEnabled(true);
  await writer.idle();
  await writer.close();

  assert.deepEqual(results, ['conflict', 'applied']);
  const stored = await getHttpRoute(kube, ns, 'route');
  assert.deepEqual(stored.status?.parents?.[0], other);
  assert.equal(condition(ourParent(stored), 'Accepted')?.status, 'True');
});

test('a disabled writer (not the leader) writes nothing', { timeout: 30_000 }, async () => {
  const http = new KubeHttp(kube.kubeConfig);
  const resource = { kind: 'HTTPRoute', apiVersion: 'gateway.networking.k8s.io/v1', plural: 'httproutes', namespaced: true };
  const object = (await http.get(objectPath(resource.apiVersion, resource.plural, ns, 'route'))) as KubeObject;
  const results: StatusWriteResult[] = [];
  const writer = new StatusWriter({
    http,
    log: pino({ level: 'silent' }),
    routes: { routes: () => [{ resource, object }] },
    onWrite: (result) => results.push(result),
  });
  writer.update([], new Map([[routeKey('HTTPRoute', ns, 'route'), 1]]));
  await writer.idle();
  await writer.close();
  assert.deepEqual(results, []);
});
