// plannedParents with both of our controller names (mesh and gateway): each entry keeps its own
// controllerName and lastTransitionTime, a stale entry of ours (a parentRef we no longer own) is
// dropped, and other controllers' entries are carried along untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteParentStatusIR } from '../../../src/ir/index.js';
import { plannedParents } from '../../../src/controller/kube/status-diff.js';

const MESH = 'sidelane.io/mesh-controller';
const GATEWAY = 'sidelane.io/gateway-controller';
const OURS = [MESH, GATEWAY];
const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-02T00:00:00Z';

function entry(controllerName: string, name: string, kind: string, accepted: 'True' | 'False'): RouteParentStatusIR {
  return {
    parentRef: kind === 'Service' ? { group: '', kind, name, port: 80 } : { group: 'gateway.networking.k8s.io', kind, name },
    controllerName,
    conditions: [{ type: 'Accepted', status: accepted, reason: accepted === 'True' ? 'Accepted' : 'NotAllowedByListeners', message: '', observedGeneration: 1 }],
  };
}

function stored(e: RouteParentStatusIR, time: string): Record<string, unknown> {
  return { ...e, conditions: e.conditions.map((c) => ({ ...c, lastTransitionTime: time })) };
}

const FOREIGN = stored(entry('example.com/gateway', 'edge', 'Gateway', 'True'), T0);

test('mesh and gateway entries are both ours: written together, others kept first', () => {
  const parents = plannedParents([FOREIGN], [entry(MESH, 'web', 'Service', 'True'), entry(GATEWAY, 'public', 'Gateway', 'True')], OURS, T1);
  assert.deepEqual(parents, [FOREIGN, stored(entry(MESH, 'web', 'Service', 'True'), T1), stored(entry(GATEWAY, 'public', 'Gateway', 'True'), T1)]);
});

test('a gateway entry flipping keeps the mesh entry\'s time and moves only its own', () => {
  const current = [FOREIGN, stored(entry(MESH, 'web', 'Service', 'True'), T0), stored(entry(GATEWAY, 'public', 'Gateway', 'True'), T0)];
  const parents = plannedParents(current, [entry(MESH, 'web', 'Service', 'True'), entry(GATEWAY, 'public', 'Gateway', 'False')], OURS, T1) as {
    controllerName: string;
    conditions: { lastTransitionTime: string }[];
  }[];
  assert.deepEqual(parents.map((p) => [p.controllerName, p.conditions[0]?.lastTransitionTime]), [
    ['example.com/gateway', T0],
    [MESH, T0],
    [GATEWAY, T1],
  ]);
});

test('a time is never borrowed from the other controller\'s entry for the same parentRef', () => {
  const sameRef = entry(MESH, 'public', 'Gateway', 'True');
  const parents = plannedParents([stored(sameRef, T0)], [entry(GATEWAY, 'public', 'Gateway', 'True')], OURS, T1) as { conditions: { lastTransitionTime: string }[] }[];
  assert.equal(parents.length, 1);
  assert.equal(parents[0]?.conditions[0]?.lastTransitionTime, T1);
});

test('a stale entry of ours is removed; nothing is written when ours already match', () => {
  const current = [stored(entry(MESH, 'web', 'Service', 'True'), T0), stored(entry(GATEWAY, 'gone', 'Gateway', 'True'), T0), FOREIGN];
  assert.deepEqual(plannedParents(current, [entry(MESH, 'web', 'Service', 'True')], OURS, T1), [FOREIGN, current[0]]);
  const settled = [FOREIGN, stored(entry(MESH, 'web', 'Service', 'True'), T0)];
  assert.equal(plannedParents(settled, [entry(MESH, 'web', 'Service', 'True')], OURS, T1), undefined);
});

test('with only the mesh name given, gateway entries count as someone else\'s', () => {
  const gatewayEntry = stored(entry(GATEWAY, 'public', 'Gateway', 'True'), T0);
  assert.equal(plannedParents([gatewayEntry], [], MESH, T1), undefined);
});

test('an entry the translator gives under a name not listed is still ours: never added twice', () => {
  const odd = entry('example.com/renamed', 'public', 'Gateway', 'True');
  const once = plannedParents([FOREIGN], [odd], MESH, T1);
  assert.deepEqual(once, [FOREIGN, stored(odd, T1)]);
  assert.equal(plannedParents(once, [odd], MESH, T1), undefined);
});
