// plannedParents: other controllers' entries survive, lastTransitionTime moves only with the
// condition's status, and no write is planned when our entries already say the same thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteParentStatusIR } from '../../../src/ir/index.js';
import { plannedParents, rfc3339 } from '../../../src/controller/kube/status-diff.js';

const OURS = 'sidelane.io/mesh-controller';
const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-02T00:00:00Z';

function ours(accepted: 'True' | 'False', message = 'ok', generation = 1): RouteParentStatusIR {
  return {
    parentRef: { group: '', kind: 'Service', name: 'web' },
    controllerName: OURS,
    conditions: [
      { type: 'Accepted', status: accepted, reason: accepted === 'True' ? 'Accepted' : 'NoMatchingParent', message, observedGeneration: generation },
      { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'All references resolved', observedGeneration: generation },
    ],
  };
}

function written(entry: RouteParentStatusIR, time: string): Record<string, unknown> {
  return { ...entry, conditions: entry.conditions.map((c) => ({ ...c, lastTransitionTime: time })) };
}

const OTHER = {
  parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' },
  controllerName: 'example.com/gateway',
  conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: T0 }],
};

test('a route without status gets our entries, stamped now', () => {
  const parents = plannedParents(undefined, [ours('True')], OURS, T1);
  assert.deepEqual(parents, [written(ours('True'), T1)]);
});

test('other controllers entries are kept, first and unchanged', () => {
  const parents = plannedParents([OTHER], [ours('True')], OURS, T1);
  assert.deepEqual(parents, [OTHER, written(ours('True'), T1)]);
});

test('nothing is written when our entries match, whatever their lastTransitionTime and condition order', () => {
  const current = written(ours('True'), T0);
  (current['conditions'] as unknown[]).reverse();
  assert.equal(plannedParents([OTHER, current], [ours('True')], OURS, T1), undefined);
  assert.equal(plannedParents([current, OTHER], [ours('True')], OURS, T1), undefined);
});

test('lastTransitionTime is kept while the status holds, even when the message changes', () => {
  const parents = plannedParents([written(ours('True', 'old'), T0)], [ours('True', 'new')], OURS, T1) as { conditions: { type: string; lastTransitionTime: string; message: string }[] }[];
  assert.equal(parents.length, 1);
  const accepted = parents[0]?.conditions.find((c) => c.type === 'Accepted');
  assert.equal(accepted?.message, 'new');
  assert.equal(accepted.lastTransitionTime, T0);
});

test('lastTransitionTime moves when the status flips; other conditions keep theirs', () => {
  const parents = plannedParents([written(ours('True'), T0)], [ours('False')], OURS, T1) as { conditions: { type: string; lastTransitionTime: string }[] }[];
  const byType = new Map(parents[0]?.conditions.map((c) => [c.type, c.lastTransitionTime]));
  assert.equal(byType.get('Accepted'), T1);
  assert.equal(byType.get('ResolvedRefs'), T0);
});

test('a new observedGeneration is a change', () => {
  const parents = plannedParents([written(ours('True', 'ok', 1), T0)], [ours('True', 'ok', 2)], OURS, T1);
  assert.ok(parents);
});

test('our entries are removed when the translator has none for the route; others stay', () => {
  assert.deepEqual(plannedParents([OTHER, written(ours('True'), T0)], [], OURS, T1), [OTHER]);
  assert.deepEqual(plannedParents([written(ours('True'), T0)], [], OURS, T1), []);
  assert.equal(plannedParents([OTHER], [], OURS, T1), undefined);
  assert.equal(plannedParents(undefined, [], OURS, T1), undefined);
});

test('parentRef fields the server omits compare equal to absent ones', () => {
  const current = written(ours('True'), T0);
  current['parentRef'] = { group: '', kind: 'Service', name: 'web', namespace: null };
  assert.equal(plannedParents([current], [ours('True')], OURS, T1), undefined);
});

test('rfc3339 drops the milliseconds, as metav1.Time does', () => {
  assert.equal(rfc3339(new Date('2025-03-04T05:06:07.891Z')), '2025-03-04T05:06:07Z');
});
