// What the injector must know about a pod before touching it: that it is shaped like a pod (input
// arrives as untrusted JSON), whether it already has a proxy, and whether anything in it would clash
// with what injection adds (names, the proxy's ports), which the API server would otherwise refuse.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { ADMIN_PORT, INBOUND_PORT, INIT_CONTAINER, OUTBOUND_PORT, PROXY_CONTAINER, TOKEN_VOLUME } from '../src/shared/pod-mesh.js';

export type PodShape = { ok: true; pod: V1Pod } | { ok: false; problem: string };

/** Checks the parts of a pod the injector reads or patches; the rest is the API server's business. */
export function checkPodShape(object: unknown): PodShape {
  const problem = shapeProblem(object);
  return problem === undefined ? { ok: true, pod: object as V1Pod } : { ok: false, problem };
}

function shapeProblem(object: unknown): string | undefined {
  if (!isRecord(object)) return 'the object is not a JSON object';
  const { metadata, spec } = object;
  if (metadata !== undefined && !isRecord(metadata)) return 'metadata is not an object';
  for (const key of ['labels', 'annotations'] as const) {
    const map = metadata?.[key];
    if (map === undefined || map === null) continue;
    if (!isRecord(map) || !Object.values(map).every((v) => typeof v === 'string')) {
      return `metadata.${key} is not a map of strings`;
    }
  }
  for (const key of ['name', 'generateName', 'namespace'] as const) {
    const value = metadata?.[key];
    if (value !== undefined && value !== null && typeof value !== 'string') return `metadata.${key} is not a string`;
  }
  if (!isRecord(spec)) return 'spec is missing or not an object';
  if (!Array.isArray(spec.containers)) return 'spec.containers is missing or not a list';
  for (const key of ['containers', 'initContainers', 'volumes'] as const) {
    const list = spec[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) return `spec.${key} is not a list`;
    const index = list.findIndex((item) => !isRecord(item) || typeof item.name !== 'string');
    if (index !== -1) return `spec.${key}[${index}] is not an object with a name`;
  }
  if (spec.hostNetwork !== undefined && spec.hostNetwork !== null && typeof spec.hostNetwork !== 'boolean') {
    return 'spec.hostNetwork is not a boolean';
  }
  return undefined;
}

/** True when the pod already runs the proxy (as a native sidecar, or as a plain container). */
export function hasProxy(pod: V1Pod): boolean {
  return allContainers(pod).some((container) => container.name === PROXY_CONTAINER);
}

/** Reasons injection would produce a pod the API server refuses or a proxy that cannot listen. */
export function injectionConflicts(pod: V1Pod): string[] {
  const conflicts: string[] = [];
  const containers = allContainers(pod);
  if (containers.some((c) => c.name === INIT_CONTAINER)) {
    conflicts.push(`the pod already has a container named ${INIT_CONTAINER}`);
  }
  if ((pod.spec?.volumes ?? []).some((v) => v.name === TOKEN_VOLUME)) {
    conflicts.push(`the pod already has a volume named ${TOKEN_VOLUME}`);
  }
  const proxyPorts = new Set([ADMIN_PORT, OUTBOUND_PORT, INBOUND_PORT]);
  for (const container of containers) {
    const ports: unknown = container.ports;
    for (const port of Array.isArray(ports) ? (ports as unknown[]) : []) {
      // hostNetwork pods are skipped before this, so a containerPort is a port in the pod's netns.
      const number = isRecord(port) ? port.containerPort : undefined;
      if (typeof number === 'number' && proxyPorts.has(number)) {
        conflicts.push(`container ${container.name} declares port ${number}, which the proxy listens on`);
      }
    }
  }
  return conflicts;
}

function allContainers(pod: V1Pod): V1Container[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
