// The injector's decision, as pure functions: `injectPod` turns a pod into its meshed form (for
// `sidelane inject`), `admit` turns an AdmissionReview into the answer with its JSON Patch (for the
// webhook). Neither has side effects, which is why dry-run requests get the very same answer.
import type { V1Pod } from '@kubernetes/client-node';
import { ANNOTATIONS, INJECT_LABEL, PROXY_CONTAINER } from '../src/shared/pod-mesh.js';
import { readProxySettings } from './annotations.js';
import type { InjectorConfig } from './config.js';
import { encodePatch, injectionPatch } from './json-patch.js';
import { checkPodShape, hasProxy, injectionConflicts } from './pod-shape.js';
import { sidecarParts, type SidecarParts } from './pod-spec.js';
import { answer, readReview, type AdmitOutcome } from './review.js';

export type { AdmitOutcome } from './review.js';

export type InjectOutcomeKind = 'injected' | 'skipped' | 'already-injected' | 'invalid-pod';

export interface InjectOutcome {
  kind: InjectOutcomeKind;
  /** One sentence naming the pod (its generateName when it has no name yet) and why. */
  reason: string;
  /** For the user (AdmissionReview warnings, stderr of `sidelane inject`); never secrets. */
  warnings: string[];
}

export interface AdmitResult {
  /** AdmissionReview v1 with `response: {uid, allowed, patchType?, patch?, warnings?}`. */
  review: object;
  outcome: AdmitOutcome;
  reason: string;
  dryRun: boolean;
  namespace?: string;
  pod?: string;
}

interface Plan {
  outcome: InjectOutcome;
  pod?: V1Pod;
  parts?: SidecarParts;
}

/** Never injected, whatever its pods say (nor config.systemNamespace): the cluster runs on it. */
const KUBE_SYSTEM = 'kube-system';

/**
 * Decides and, when the pod is to be meshed, builds the meshed copy (the input is not modified).
 * `subject` names the pod in reasons when its own metadata cannot (a workload's pod template).
 */
export function injectPod(
  pod: V1Pod,
  config: InjectorConfig,
  namespace: string,
  subject?: string,
): { pod?: V1Pod; outcome: InjectOutcome } {
  const plan = planInjection(pod, config, namespace, subject);
  if (plan.parts === undefined || plan.pod === undefined) return { outcome: plan.outcome };
  return { pod: withSidecar(plan.pod, plan.parts), outcome: plan.outcome };
}

/** The webhook's answer to one AdmissionReview. Never throws, whatever `review` is. */
export function admit(review: unknown, config: InjectorConfig): AdmitResult {
  const read = readReview(review);
  if (read.kind === 'invalid') {
    return { review: answer(read.uid, {}), outcome: 'invalid-review', reason: read.reason, dryRun: read.dryRun };
  }
  const { uid, dryRun, namespace, podName } = read;
  const about = { dryRun, namespace, ...(podName === undefined ? {} : { pod: podName }) };
  if (read.kind === 'skip') return { review: answer(uid, {}), outcome: 'skipped', reason: read.reason, ...about };

  const plan = planInjection(read.object, config, namespace);
  const { kind, reason, warnings } = plan.outcome;
  if (plan.parts === undefined || plan.pod === undefined) {
    return { review: answer(uid, { warnings }), outcome: kind, reason, ...about };
  }
  const patch = encodePatch(injectionPatch(plan.pod, plan.parts));
  return { review: answer(uid, { patch, warnings }), outcome: 'injected', reason, ...about };
}

function planInjection(object: unknown, config: InjectorConfig, namespace: string, subject?: string): Plan {
  const shape = checkPodShape(object);
  if (!shape.ok) {
    return outcome('invalid-pod', `${subject ?? describeObject(object, namespace)} not injected: ${shape.problem}`);
  }
  const pod = shape.pod;
  const ref = subject ?? describePod(pod, namespace);
  if (namespace === KUBE_SYSTEM || namespace === config.systemNamespace) {
    return outcome('skipped', `${ref}: namespace ${namespace} is never injected`);
  }
  if (pod.metadata?.labels?.[INJECT_LABEL] === 'false') {
    return outcome('skipped', `${ref}: label ${INJECT_LABEL} is "false"`);
  }
  if (hasProxy(pod)) return outcome('already-injected', `${ref} already has a ${PROXY_CONTAINER} container`);
  if (pod.spec?.hostNetwork === true) {
    const why = `${ref} not injected: it uses the node's network, where iptables rules would capture the node's own traffic`;
    return outcome('skipped', why, [why]);
  }
  const reading = readProxySettings(pod.metadata?.annotations, config);
  const problems = [...reading.problems, ...injectionConflicts(pod)];
  if (problems.length > 0 || reading.settings === undefined) {
    // One warning per problem: the API server may cut a single warning after 256 characters.
    const warnings = [...problems.map((p) => `${ref} not injected: ${p}`), ...reading.warnings];
    return outcome('invalid-pod', `${ref} not injected: ${problems.join('; ')}`, warnings);
  }
  return {
    outcome: { kind: 'injected', reason: `${ref} injected`, warnings: reading.warnings },
    pod,
    parts: sidecarParts(reading.settings, config),
  };
}

function outcome(kind: InjectOutcomeKind, reason: string, warnings: string[] = []): Plan {
  return { outcome: { kind, reason, warnings } };
}

/** The meshed pod, built directly; `injectionPatch` applied to the input must give the same. */
function withSidecar(pod: V1Pod, parts: SidecarParts): V1Pod {
  const meshed = structuredClone(pod);
  const spec = (meshed.spec ??= { containers: [] });
  spec.initContainers = [parts.initContainer, parts.proxyContainer, ...(spec.initContainers ?? [])];
  spec.volumes = [...(spec.volumes ?? []), parts.tokenVolume];
  const metadata = (meshed.metadata ??= {});
  metadata.annotations = { ...(metadata.annotations ?? {}), [ANNOTATIONS.status]: 'injected' };
  return meshed;
}

/** "pod demo/web", or "pod demo/web-7d9f-*" at CREATE when only generateName is set. */
export function describePod(pod: V1Pod, namespace: string): string {
  const name = pod.metadata?.name;
  const generateName = pod.metadata?.generateName;
  if (typeof name === 'string' && name !== '') return `pod ${namespace}/${name}`;
  if (typeof generateName === 'string' && generateName !== '') return `pod ${namespace}/${generateName}*`;
  return `pod in ${namespace} without a name`;
}

function describeObject(object: unknown, namespace: string): string {
  const metadata = typeof object === 'object' && object !== null ? (object as { metadata?: unknown }).metadata : undefined;
  const named = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
  const name = typeof named.name === 'string' ? named.name : undefined;
  const generateName = typeof named.generateName === 'string' ? named.generateName : undefined;
  return describePod({ metadata: { name, generateName } }, namespace);
}
