// Reading an AdmissionReview v1 request (untrusted JSON) and writing its answer. Only pod CREATE
// reaches the injection decision; anything else is allowed untouched, and a review that cannot be
// answered properly says why (without a uid, the transport answers 400 instead).
import { isRecord } from './pod-shape.js';

export type AdmitOutcome = 'injected' | 'skipped' | 'already-injected' | 'invalid-review' | 'invalid-pod';

interface ReviewFacts {
  uid: string;
  dryRun: boolean;
  /** From request.namespace: a pod's own metadata.namespace is often empty at CREATE. */
  namespace: string;
  /** The pod's name, or its generateName when the API server has not picked one yet. */
  podName?: string;
}

export type ReviewReading =
  | { kind: 'invalid'; uid?: string; reason: string; dryRun: boolean }
  | (ReviewFacts & { kind: 'skip'; reason: string })
  | (ReviewFacts & { kind: 'pod'; object: unknown });

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
const ADMISSION_KIND = 'AdmissionReview';
/** The API server may cut a single warning after 256 characters; longer ones are cut here, visibly. */
const WARNING_MAX = 256;
const WARNING_PREFIX = 'sidelane injector: ';

export function readReview(review: unknown): ReviewReading {
  if (!isRecord(review)) return invalid(undefined, false, 'the AdmissionReview is not a JSON object');
  const request = isRecord(review.request) ? review.request : undefined;
  const uid = typeof request?.uid === 'string' && request.uid !== '' ? request.uid : undefined;
  const dryRun = request?.dryRun === true;
  if (review.apiVersion !== ADMISSION_API_VERSION || review.kind !== ADMISSION_KIND) {
    return invalid(uid, dryRun, `expected apiVersion ${ADMISSION_API_VERSION} kind ${ADMISSION_KIND}, got ${text(review.apiVersion)} ${text(review.kind)}`);
  }
  if (request === undefined) return invalid(uid, dryRun, 'the AdmissionReview has no request');
  if (uid === undefined) return invalid(uid, dryRun, 'the AdmissionReview request has no uid');

  const object = isRecord(request.object) ? request.object : undefined;
  const metadata = isRecord(object?.metadata) ? object.metadata : undefined;
  const namespace = firstString(request.namespace, metadata?.namespace) ?? 'default';
  const podName = firstString(request.name, metadata?.name, metadata?.generateName);
  const facts: ReviewFacts = { uid, dryRun, namespace, ...(podName === undefined ? {} : { podName }) };

  if (request.operation !== 'CREATE') {
    return { ...facts, kind: 'skip', reason: `operation ${text(request.operation)}: only pod CREATE is injected` };
  }
  const notPod = notAPod(request);
  if (notPod !== undefined) return { ...facts, kind: 'skip', reason: notPod };
  if (object === undefined) return invalid(uid, dryRun, 'the AdmissionReview request has no object (the pod)');
  return { ...facts, kind: 'pod', object };
}

/** Why the request is about something other than a core/v1 pod, if it is. */
function notAPod(request: Record<string, unknown>): string | undefined {
  const kind = isRecord(request.kind) ? request.kind : undefined;
  const resource = isRecord(request.resource) ? request.resource : undefined;
  if (kind !== undefined && !(kind.group === '' && kind.kind === 'Pod')) {
    return `kind ${text(kind.group)}/${text(kind.kind)} is not a Pod`;
  }
  if (resource !== undefined && !(resource.group === '' && resource.resource === 'pods')) {
    return `resource ${text(resource.group)}/${text(resource.resource)} is not pods`;
  }
  if (typeof request.subResource === 'string' && request.subResource !== '') {
    return `subresource pods/${request.subResource} is not injected`;
  }
  return undefined;
}

/** An AdmissionReview v1 answer: always allowed (injection never blocks a pod), maybe patched. */
export function answer(uid: string | undefined, change: { patch?: string; warnings?: readonly string[] }): object {
  const warnings = (change.warnings ?? []).map(warning);
  return {
    apiVersion: ADMISSION_API_VERSION,
    kind: ADMISSION_KIND,
    response: {
      uid: uid ?? '',
      allowed: true,
      ...(change.patch === undefined ? {} : { patchType: 'JSONPatch', patch: change.patch }),
      ...(warnings.length === 0 ? {} : { warnings }),
    },
  };
}

function warning(message: string): string {
  // Warnings travel in an HTTP header: no control characters.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const clean = `${WARNING_PREFIX}${message}`.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length <= WARNING_MAX ? clean : `${clean.slice(0, WARNING_MAX - 3)}...`;
}

function invalid(uid: string | undefined, dryRun: boolean, reason: string): ReviewReading {
  return { kind: 'invalid', reason, dryRun, ...(uid === undefined ? {} : { uid }) };
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v !== '');
}

function text(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) || typeof value);
}
