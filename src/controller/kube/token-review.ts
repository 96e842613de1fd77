// Proxy authentication by the API server: each proxy's projected service-account token is sent
// in a TokenReview (audience `sidelane`), and the user it names must be the service account, and
// (for a pod-bound token) the pod, that the proxy's Hello claims to be.
import type { AuthResult, ProxyAuthenticator } from '../../configsync/auth.js';
import type { ProxyIdentity } from '../../configsync/proto.js';
import { TOKEN_AUDIENCE } from '../../shared/pod-mesh.js';
import type { KubeHttp } from './kube-http.js';

export const TOKEN_REVIEW_PATH = '/apis/authentication.k8s.io/v1/tokenreviews';
/** The user extra a pod-bound service-account token carries. */
export const POD_NAME_EXTRA = 'authentication.kubernetes.io/pod-name';
const SERVICE_ACCOUNT_USER = 'system:serviceaccount:';

export interface TokenReviewOptions {
  /** The audience the token must be for; default TOKEN_AUDIENCE (`sidelane`). */
  audience?: string;
  /** How long one review may take; default 5000 ms (a proxy waits for it, and retries anyway). */
  timeoutMs?: number;
}

export interface TokenReviewStatus {
  authenticated?: boolean;
  audiences?: string[];
  error?: string;
  user?: { username?: string; extra?: Record<string, string[] | undefined> };
}

/** An authenticator for ConfigServer that asks the API server (needs RBAC: create tokenreviews). */
export function tokenReviewAuthenticator(kube: KubeHttp, options: TokenReviewOptions = {}): ProxyAuthenticator {
  const audience = options.audience ?? TOKEN_AUDIENCE;
  const timeoutMs = options.timeoutMs ?? 5000;
  return async (token, claimed) => {
    if (token === undefined) return { ok: false, refusal: 'no_token', reason: 'no service-account token: the stream has no "authorization: Bearer" metadata' };
    let status: TokenReviewStatus;
    try {
      const review = await kube.request('POST', TOKEN_REVIEW_PATH, {
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [audience] } },
        timeoutMs,
      });
      status = (review as { status?: TokenReviewStatus } | undefined)?.status ?? {};
    } catch (err) {
      // UNAVAILABLE, not UNAUTHENTICATED: the proxy's token is not known to be bad, the controller
      // could not ask (API server down, or no RBAC to create TokenReviews). The proxy retries with
      // its backoff either way, but the status, the metric label and the log say whose fault it
      // is, and the verdict is not cached, so the first stream after the outage is reviewed anew.
      return { ok: false, refusal: 'unavailable', reason: `TokenReview failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    return judge(status, claimed, audience);
  };
}

/** The verdict on a TokenReview's status for the claimed identity (pure; exported for tests). */
export function judge(status: TokenReviewStatus, claimed: ProxyIdentity, audience: string): AuthResult {
  if (status.authenticated !== true) {
    // The API server's error text names the cause (expired, wrong audience, bound pod gone), never the token.
    return { ok: false, refusal: 'invalid_token', reason: `token not accepted: ${status.error !== undefined && status.error !== '' ? status.error : 'not authenticated'}` };
  }
  if (!(status.audiences ?? []).includes(audience)) {
    return { ok: false, refusal: 'invalid_token', reason: `token is not for audience "${audience}"` };
  }
  const username = status.user?.username ?? '';
  const claimedAccount = `${claimed.namespace}/${claimed.serviceAccount}`;
  if (!username.startsWith(SERVICE_ACCOUNT_USER)) {
    return { ok: false, refusal: 'wrong_identity', reason: `token is for "${username}", not a service account (the proxy claims ${claimedAccount})` };
  }
  const account = username.slice(SERVICE_ACCOUNT_USER.length).replace(':', '/');
  if (account !== claimedAccount) {
    return { ok: false, refusal: 'wrong_identity', reason: `token is for service account ${account}, the proxy claims ${claimedAccount}` };
  }
  // Only a pod-bound token names its pod; an unbound one is held to its service account alone.
  const boundPod = status.user?.extra?.[POD_NAME_EXTRA]?.[0];
  if (claimed.pod !== '' && boundPod !== undefined && boundPod !== claimed.pod) {
    return { ok: false, refusal: 'wrong_identity', reason: `token is bound to pod ${claimed.namespace}/${boundPod}, the proxy claims ${claimed.namespace}/${claimed.pod}` };
  }
  return { ok: true };
}
