// Backends and endpoints as `sidelane explain` shows them: each backend's share of requests
// (weight 0 shown as 0%, Invalid backends as the share answered 500) and the endpoints behind it.
import type { HttpBackendIR, L4BackendIR, MeshIR, RuleRef, ServiceRef } from '../ir/index.js';
import type { BackendView, EndpointView } from './explain-result.js';

export function backendViews(ir: MeshIR, backends: readonly (HttpBackendIR | L4BackendIR)[]): BackendView[] {
  const total = backends.reduce((sum, b) => sum + b.weight, 0);
  return backends.map((b): BackendView => {
    const percent = total === 0 ? 0 : Math.round((b.weight / total) * 10000) / 100;
    if (b.kind === 'Invalid') {
      return { kind: 'Invalid', weight: b.weight, percent, invalid: `${b.reason}: ${b.message}` };
    }
    return {
      kind: 'Service',
      target: `${b.service.namespace}/${b.service.name}:${b.port}`,
      weight: b.weight,
      percent,
      endpoints: endpointsOf(ir, b.service, b.port),
    };
  });
}

/** Endpoints serving `port` of a Service; empty when it has none (or no EndpointSlice at all). */
export function endpointsOf(ir: MeshIR, service: ServiceRef, port: number): EndpointView[] {
  const set = ir.endpoints.find((e) => e.service.namespace === service.namespace && e.service.name === service.name);
  const forPort = set?.ports.find((p) => p.servicePort === port && p.transport === 'TCP');
  return (forPort?.endpoints ?? []).map((e) => {
    const view: EndpointView = { address: e.address, port: e.port, ready: e.ready, serving: e.serving, terminating: e.terminating };
    if (e.zone !== undefined) view.zone = e.zone;
    if (e.pod !== undefined) view.pod = e.pod;
    return view;
  });
}

/**
 * When no backend can take a request (none listed, or every weight 0), the spec's answer is 500.
 * Returns the reason, or undefined when some backend has weight.
 */
export function noUsableBackend(backends: readonly (HttpBackendIR | L4BackendIR)[]): string | undefined {
  if (backends.length === 0) return 'the rule has no backends';
  if (backends.every((b) => b.weight === 0)) return 'every backend has weight 0';
  if (backends.every((b) => b.kind === 'Invalid' || b.weight === 0)) return 'every backend with weight is invalid';
  return undefined;
}

export function describeRule(id: RuleRef): string {
  return `${id.route.kind} ${id.route.namespace}/${id.route.name} rule ${id.index}${id.name ? ` (${id.name})` : ''}`;
}

/** `a/b:80 90%, answer 500 10%`; `invalidLabel` names what an invalid backend's share gets. */
export function describeShare(backends: readonly BackendView[], invalidLabel = 'answer 500'): string {
  const used = backends.filter((b) => b.percent > 0);
  return used.map((b) => `${b.kind === 'Invalid' ? invalidLabel : b.target} ${b.percent}%`).join(', ');
}
