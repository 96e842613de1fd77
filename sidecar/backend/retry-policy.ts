// Whether a failed attempt to a backend is tried again, and after how long: the policy of an
// HTTPRoute rule's `retry` (Gateway API GEP-1731, HTTPRouteRetry in apis/v1/httproute_types.go),
// apart from the code that re-sends. Pure: the random source is injected.
//
// What the spec says, and how it is followed here:
// - `attempts` is the number of retries *in addition to* the initial request; 0 disables retries.
// - `codes` are response statuses to retry. Implementations MUST support 500, 502, 503 and 504,
//   MAY support other 5xx and 4xx; the translator validates the list, this module retries on
//   exactly the codes it is given.
// - Connections: implementations SHOULD retry when the connection could not be established or
//   the backend refused the request before processing it (HTTP/2 REFUSED_STREAM), and SHOULD NOT
//   retry by default when the request may have been processed (a reset after it was sent).
//   So connect failures are always retried; a reset only when the caller knows the request was
//   not processed (`unprocessed: true`).
// - A backendRequest timeout cancels the attempt and the next one is scheduled per the backoff;
//   the request timeout bounds everything: no retry whose backoff would outlive it.
// - `backoff` is the base interval; implementations MAY add jitter and MAY cap the delay at a
//   maximum no less than the base. An older revision of the field called it the *minimum* wait,
//   so the delay here never drops below the base: see backoffMs.
import { ProxyErrorCode } from '../errors.js';
import type { RetryIR } from '../../src/ir/index.js';

/** Envoy's default retry base interval, used when the route sets no `backoff`. */
export const DEFAULT_BACKOFF_BASE_MS = 25;
/** The delay's ceiling as a multiple of the base (Envoy's default, too). */
export const BACKOFF_CAP_FACTOR = 10;

export type AttemptOutcome =
  | { kind: 'status'; status: number }
  | {
      kind: 'error';
      code: ProxyErrorCode;
      /** The backend did not process the request (REFUSED_STREAM, GOAWAY past its stream id). */
      unprocessed?: boolean;
    };

export interface AttemptReport {
  /** Attempts made so far, 1-based: 1 after the initial request failed. */
  attempt: number;
  outcome: AttemptOutcome;
  /** False once the request body streamed past the replay buffer: it cannot be sent again. */
  bodyReplayable: boolean;
  /** Time left before the route's request timeout (or grpc-timeout); undefined when unbounded. */
  remainingMs?: number;
}

export type NoRetryReason =
  | 'no-policy'
  | 'attempts-exhausted'
  | 'not-retryable'
  | 'body-not-replayable'
  | 'no-time-left';

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: NoRetryReason };

/** Whether the outcome is one the policy retries, regardless of attempts, body and time. */
export function isRetryableOutcome(retry: RetryIR, outcome: AttemptOutcome): boolean {
  if (outcome.kind === 'status') return retry.codes.includes(outcome.status);
  switch (outcome.code) {
    case ProxyErrorCode.UpstreamConnect:
      return true;
    case ProxyErrorCode.UpstreamReset:
      return outcome.unprocessed === true;
    case ProxyErrorCode.UpstreamTimeout:
      // The attempt's own (backendRequest) timeout; when the request timeout has expired the
      // caller reports remainingMs <= 0 and decideRetry refuses for lack of time.
      return true;
    default:
      return false;
  }
}

/**
 * The next step after a failed attempt: retry after `delayMs`, or stop (and why, for the log and
 * metrics). `random` jitters the backoff.
 */
export function decideRetry(retry: RetryIR | undefined, report: AttemptReport, random: () => number): RetryDecision {
  if (retry === undefined) return { retry: false, reason: 'no-policy' };
  if (report.attempt > retry.attempts) return { retry: false, reason: 'attempts-exhausted' };
  if (!isRetryableOutcome(retry, report.outcome)) return { retry: false, reason: 'not-retryable' };
  if (!report.bodyReplayable) return { retry: false, reason: 'body-not-replayable' };
  const delayMs = backoffMs(report.attempt, retry.backoffMs ?? DEFAULT_BACKOFF_BASE_MS, random);
  // A retry that would start when the request timeout fires is no retry at all.
  if (report.remainingMs !== undefined && delayMs >= report.remainingMs) return { retry: false, reason: 'no-time-left' };
  return { retry: true, delayMs };
}

/**
 * Boolean form of decideRetry for a given delay (default: the smallest one possible, the base):
 * useful where the caller has already chosen the delay.
 */
export function shouldRetry(retry: RetryIR | undefined, report: AttemptReport & { delayMs?: number }): boolean {
  if (retry === undefined || report.attempt > retry.attempts) return false;
  if (!isRetryableOutcome(retry, report.outcome) || !report.bodyReplayable) return false;
  const delay = report.delayMs ?? retry.backoffMs ?? DEFAULT_BACKOFF_BASE_MS;
  return report.remainingMs === undefined || delay < report.remainingMs;
}

/**
 * Delay before retry number `attempt` (1 = the first retry): exponential growth with full jitter
 * above a floor, uniform in [base, min(base * 2^attempt, base * 10)). The floor keeps the older
 * spec revision's promise (never retried before `backoff`); the jitter on every attempt,
 * including the first, spreads the retries of many clients hit by the same failure; the cap keeps
 * a long retry chain from waiting longer than the backend's outage is likely to last.
 * A base of 0 retries immediately.
 */
export function backoffMs(attempt: number, baseMs: number, random: () => number): number {
  if (!(baseMs > 0)) return 0;
  const exponent = Math.max(1, Math.min(attempt, 30));
  const ceiling = Math.min(baseMs * 2 ** exponent, baseMs * BACKOFF_CAP_FACTOR);
  return Math.max(Math.ceil(baseMs), Math.floor(baseMs + random() * (ceiling - baseMs)));
}
