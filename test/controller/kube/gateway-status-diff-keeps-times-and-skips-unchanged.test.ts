// The GatewayClass and Gateway status to apply: conditions keep lastTransitionTime while their
// status holds (per listener too), nothing is planned when the stored status already matches
// (whatever the order, the times, or conditions of other types), and any real difference plans a write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConditionIR, GatewayClassStatusIR, GatewayStatusIR } from '../../../src/ir/index.js';
import { plannedGatewayClassStatus, plannedGatewayStatus } from '../../../src/controller/kube/gateway-status-diff.js';

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-02T00:00:00Z';

function cond(type: string, status: 'True' | 'False', reason = type, generation = 1): ConditionIR {
  return { type, status, reason, message: '', observedGeneration: generation };
}

function stamped(conditions: ConditionIR[], time: string): Record<string, unknown>[] {
  return conditions.map((c) => ({ ...c, lastTransitionTime: time }));
}

const CLASS: GatewayClassStatusIR = {
  name: 'sidelane',
  generation: 1,
  conditions: [cond('Accepted', 'True'), cond('SupportedVersion', 'True')],
  supportedFeatures: ['Gateway', 'HTTPRoute'],
};

test('a new GatewayClass gets conditions stamped now and features as {name}', () => {
  const pending = { conditions: [{ type: 'Accepted', status: 'Unknown', reason: 'Pending', message: 'Waiting for controller', lastTransitionTime: '1970-01-01T00:00:00Z' }] };
  assert.deepEqual(plannedGatewayClassStatus(pending, CLASS, T1), {
    conditions: stamped(CLASS.conditions, T1),
    supportedFeatures: [{ name: 'Gateway' }, { name: 'HTTPRoute' }],
  });
});

test('a GatewayClass that already says it is not written; a changed feature list is', () => {
  const stored = { conditions: stamped([...CLASS.conditions].reverse(), T0), supportedFeatures: [{ name: 'HTTPRoute' }, { name: 'Gateway' }] };
  assert.equal(plannedGatewayClassStatus(stored, CLASS, T1), undefined);
  const planned = plannedGatewayClassStatus(stored, { ...CLASS, supportedFeatures: ['Gateway', 'GRPCRoute', 'HTTPRoute'] }, T1);
  assert.deepEqual(planned?.conditions, stamped(CLASS.conditions, T0), 'times kept: the statuses did not change');
});

const GATEWAY: GatewayStatusIR = {
  namespace: 'edge',
  name: 'public',
  generation: 2,
  addresses: [{ type: 'IPAddress', value: '10.0.0.7' }],
  conditions: [cond('Accepted', 'True', 'Accepted', 2), cond('Programmed', 'True', 'Programmed', 2)],
  listeners: [
    {
      name: 'http',
      attachedRoutes: 1,
      supportedKinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }],
      conditions: [cond('Accepted', 'True', 'Accepted', 2), cond('Conflicted', 'False', 'NoConflicts', 2), cond('Programmed', 'True', 'Programmed', 2), cond('ResolvedRefs', 'True', 'ResolvedRefs', 2)],
    },
  ],
};

function storedGateway(desired: GatewayStatusIR, time: string): Record<string, unknown> {
  return {
    addresses: desired.addresses,
    conditions: stamped(desired.conditions, time),
    listeners: desired.listeners.map((l) => ({ ...l, conditions: stamped(l.conditions, time) })),
  };
}

test('a Gateway whose status matches is not written, even with a foreign condition type beside ours', () => {
  const stored = storedGateway(GATEWAY, T0);
  (stored['conditions'] as unknown[]).push({ type: 'example.com/Healthy', status: 'True', reason: 'Fine', message: '', lastTransitionTime: T0 });
  assert.equal(plannedGatewayStatus(stored, GATEWAY, T1), undefined);
});

test('attachedRoutes moving is a write that keeps every condition time', () => {
  const next: GatewayStatusIR = { ...GATEWAY, listeners: GATEWAY.listeners.map((l) => ({ ...l, attachedRoutes: 2 })) };
  const planned = plannedGatewayStatus(storedGateway(GATEWAY, T0), next, T1);
  assert.equal(planned?.listeners[0]?.attachedRoutes, 2);
  assert.ok(planned.listeners[0].conditions.every((c) => c.lastTransitionTime === T0));
  assert.ok(planned.conditions.every((c) => c.lastTransitionTime === T0));
});

test('a listener condition flipping moves only its own time', () => {
  const listener = GATEWAY.listeners[0];
  assert.ok(listener);
  const next: GatewayStatusIR = {
    ...GATEWAY,
    listeners: [{ ...listener, conditions: listener.conditions.map((c) => (c.type === 'ResolvedRefs' ? cond('ResolvedRefs', 'False', 'InvalidCertificateRef', 2) : c)) }],
  };
  const planned = plannedGatewayStatus(storedGateway(GATEWAY, T0), next, T1);
  const times = new Map(planned?.listeners[0]?.conditions.map((c) => [c.type, c.lastTransitionTime]));
  assert.equal(times.get('ResolvedRefs'), T1);
  assert.equal(times.get('Accepted'), T0);
});

test('a removed listener, new addresses, or a stored default group all compare as they should', () => {
  const extra = storedGateway(GATEWAY, T0);
  (extra['listeners'] as unknown[]).push({ name: 'old', attachedRoutes: 0, supportedKinds: [], conditions: [] });
  assert.ok(plannedGatewayStatus(extra, GATEWAY, T1), 'a listener no longer in the spec is a write');

  assert.ok(plannedGatewayStatus(storedGateway(GATEWAY, T0), { ...GATEWAY, addresses: [{ type: 'Hostname', value: 'lb.example.com' }] }, T1));

  const noGroup = storedGateway(GATEWAY, T0);
  for (const l of noGroup['listeners'] as { supportedKinds: unknown[] }[]) l.supportedKinds = [{ kind: 'HTTPRoute' }];
  assert.equal(plannedGatewayStatus(noGroup, GATEWAY, T1), undefined);
});

test('no addresses yet: the field is left out of the apply', () => {
  const planned = plannedGatewayStatus(undefined, { ...GATEWAY, addresses: [] }, T1);
  assert.ok(planned);
  assert.equal('addresses' in planned, false);
});
