// How a proxy proves who it is to the config stream: the types of the server's `authenticate` hook,
// the refusal kinds it may answer (each one gRPC status and one metric label), and reading the
// bearer token from a stream's metadata. Deciding whether a token is good is the hook's job.
import * as grpc from '@grpc/grpc-js';
import type { ProxyIdentity } from './proto.js';

/**
 * Why a stream was refused; the label of `sidelane_configsync_auth_refusals_total{reason}` (a
 * closed set, so the series count stays bounded; the free-text reason goes to the log).
 */
export type AuthRefusal = 'no_token' | 'invalid_token' | 'wrong_identity' | 'unavailable';

export const AUTH_REFUSALS: readonly AuthRefusal[] = ['no_token', 'invalid_token', 'wrong_identity', 'unavailable'];

export type AuthResult =
  | { ok: true }
  /** `refusal` defaults to `invalid_token`; `reason` is sent to the proxy and logged (never a token). */
  | { ok: false; reason: string; refusal?: AuthRefusal };

/**
 * Decides whether `token` (undefined: the stream carried none) may speak for `claimed`, the
 * identity in the proxy's Hello. Should not throw; a rejection is treated as `unavailable`.
 */
export type ProxyAuthenticator = (token: string | undefined, claimed: ProxyIdentity) => Promise<AuthResult>;

/**
 * The stream's end status for a refusal: no or bad credentials are UNAUTHENTICATED; good
 * credentials for someone else are PERMISSION_DENIED; a reviewer that could not answer is
 * UNAVAILABLE, as the proxy is not at fault and retries anyway (it also backs off either way).
 */
export function refusalStatus(refusal: AuthRefusal): grpc.status {
  switch (refusal) {
    case 'no_token':
    case 'invalid_token':
      return grpc.status.UNAUTHENTICATED;
    case 'wrong_identity':
      return grpc.status.PERMISSION_DENIED;
    case 'unavailable':
      return grpc.status.UNAVAILABLE;
  }
}

export type BearerToken = { token: string } | { token: undefined; malformed?: string };

/** The token of the stream's `authorization: Bearer <token>` metadata (first value; scheme case-insensitive). */
export function bearerToken(metadata: grpc.Metadata): BearerToken {
  const value = metadata.get('authorization')[0];
  if (value === undefined) return { token: undefined };
  const text = typeof value === 'string' ? value : value.toString('utf8');
  const match = /^bearer\s+(\S+)\s*$/i.exec(text);
  // The header's content is never echoed: it may be a token in the wrong spelling.
  if (match?.[1] === undefined) return { token: undefined, malformed: 'the authorization metadata is not "Bearer <token>"' };
  return { token: match[1] };
}

/**
 * The `exp` claim of a JWT (seconds since the epoch), read without verifying it: only used to stop
 * caching a verdict past the token's life, never to accept anything. Undefined when unreadable.
 */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}
