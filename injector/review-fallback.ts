// The answer when the decision itself failed (an exception inside admit): with failurePolicy
// Ignore the pod is let in unchanged, with Fail it is refused with the error, exactly what the API
// server would do had the webhook not answered, only at once and with a reason the user can read.

export type FailurePolicy = 'Ignore' | 'Fail';

/** Stable error code in the message of a refused pod. */
export const INJECTOR_INTERNAL_ERROR = 'SIDELANE_ERR_INJECTOR_INTERNAL';

export interface ReviewPeek {
  uid: string | undefined;
  dryRun: boolean;
  namespace: string | undefined;
  pod: string | undefined;
}

/** What can be read from a review that admit could not handle, without trusting its shape. */
export function peekReview(review: unknown): ReviewPeek {
  const request = field(review, 'request');
  const object = field(request, 'object');
  const metadata = field(object, 'metadata');
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    uid: text(field(request, 'uid')),
    dryRun: field(request, 'dryRun') === true,
    namespace: text(field(request, 'namespace')),
    pod: text(field(request, 'name')) ?? text(field(metadata, 'name')) ?? text(field(metadata, 'generateName')),
  };
}

/** The AdmissionReview answering an internal error, or undefined when there is no uid to answer. */
export function internalErrorAnswer(peek: ReviewPeek, err: unknown, policy: FailurePolicy): object | undefined {
  if (peek.uid === undefined) return undefined;
  const detail = err instanceof Error ? err.message : String(err);
  const response =
    policy === 'Ignore'
      ? { uid: peek.uid, allowed: true, warnings: [truncate(`sidelane injector: pod admitted without a proxy (internal error: ${detail})`)] }
      : {
          uid: peek.uid,
          allowed: false,
          status: { code: 500, reason: 'InternalError', message: `${INJECTOR_INTERNAL_ERROR}: sidelane injector failed to decide: ${detail}` },
        };
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The API server cuts warnings after 256 characters; cut them ourselves at a readable place. */
function truncate(text: string): string {
  return text.length <= 250 ? text : `${text.slice(0, 247)}...`;
}
