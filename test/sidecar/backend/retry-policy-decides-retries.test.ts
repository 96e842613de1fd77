// A failed attempt is retried only when the rule's retry policy covers the outcome, attempts are
// left, the body can be sent again and the backoff fits in the time left; the backoff never drops
// below the configured base and never exceeds ten times it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BACKOFF_CAP_FACTOR,
  DEFAULT_BACKOFF_BASE_MS,
  backoffMs,
  decideRetry,
  shouldRetry,
  type AttemptReport,
} from '../../../sidecar/backend/retry-policy.js';
import { ProxyErrorCode } from '../../../sidecar/errors.js';
import type { RetryIR } from '../../../src/ir/index.js';

const policy: RetryIR = { attempts: 2, codes: [500, 502, 503, 504], backoffMs: 100 };
const status = (s: number): AttemptReport['outcome'] => ({ kind: 'status', status: s });
const error = (code: ProxyErrorCode, unprocessed?: boolean): AttemptReport['outcome'] => ({ kind: 'error', code, unprocessed });
const low = (): number => 0;

test('listed statuses are retried, others are not', () => {
  for (const s of [500, 502, 503, 504]) assert.deepEqual(decideRetry(policy, { attempt: 1, outcome: status(s), bodyReplayable: true }, low), { retry: true, delayMs: 100 });
  for (const s of [200, 404, 429, 501]) {
    assert.deepEqual(decideRetry(policy, { attempt: 1, outcome: status(s), bodyReplayable: true }, low), { retry: false, reason: 'not-retryable' });
  }
});

test('connect failures are always retried, even when no status code is listed', () => {
  const connectOnly: RetryIR = { attempts: 1, codes: [] };
  assert.equal(shouldRetry(connectOnly, { attempt: 1, outcome: error(ProxyErrorCode.UpstreamConnect), bodyReplayable: true }), true);
  assert.equal(shouldRetry(connectOnly, { attempt: 1, outcome: status(503), bodyReplayable: true }), false);
});

test('a reset is retried only when the backend did not process the request', () => {
  const reset = { attempt: 1, bodyReplayable: true };
  assert.equal(shouldRetry(policy, { ...reset, outcome: error(ProxyErrorCode.UpstreamReset) }), false);
  assert.equal(shouldRetry(policy, { ...reset, outcome: error(ProxyErrorCode.UpstreamReset, true) }), true);
});

test('a per-attempt timeout is retried; errors that are not about the upstream are not', () => {
  assert.equal(shouldRetry(policy, { attempt: 1, outcome: error(ProxyErrorCode.UpstreamTimeout), bodyReplayable: true, remainingMs: 5000 }), true);
  for (const code of [ProxyErrorCode.NoHealthyEndpoint, ProxyErrorCode.InvalidBackend, ProxyErrorCode.Internal, ProxyErrorCode.BadRequest]) {
    assert.equal(shouldRetry(policy, { attempt: 1, outcome: error(code), bodyReplayable: true }), false, code);
  }
});

test('attempts count retries after the first request; 0 disables retries', () => {
  const report = (attempt: number): AttemptReport => ({ attempt, outcome: status(503), bodyReplayable: true });
  assert.equal(decideRetry(policy, report(1), low).retry, true);
  assert.equal(decideRetry(policy, report(2), low).retry, true);
  assert.deepEqual(decideRetry(policy, report(3), low), { retry: false, reason: 'attempts-exhausted' });
  assert.deepEqual(decideRetry({ attempts: 0, codes: [503] }, report(1), low), { retry: false, reason: 'attempts-exhausted' });
  assert.deepEqual(decideRetry(undefined, report(1), low), { retry: false, reason: 'no-policy' });
});

test('never when the body streamed past the replay buffer', () => {
  for (const outcome of [status(503), error(ProxyErrorCode.UpstreamConnect)]) {
    assert.deepEqual(decideRetry(policy, { attempt: 1, outcome, bodyReplayable: false }, low), { retry: false, reason: 'body-not-replayable' });
    assert.equal(shouldRetry(policy, { attempt: 1, outcome, bodyReplayable: false }), false);
  }
});

test('never when the backoff would outlive the request timeout', () => {
  const report = { attempt: 1, outcome: status(503), bodyReplayable: true };
  assert.deepEqual(decideRetry(policy, { ...report, remainingMs: 101 }, low), { retry: true, delayMs: 100 });
  assert.deepEqual(decideRetry(policy, { ...report, remainingMs: 100 }, low), { retry: false, reason: 'no-time-left' });
  assert.deepEqual(decideRetry(policy, { ...report, remainingMs: 0 }, low), { retry: false, reason: 'no-time-left' });
  // With jitter the delay of this draw decides.
  assert.deepEqual(decideRetry(policy, { ...report, remainingMs: 150 }, () => 0.9), { retry: false, reason: 'no-time-left' });
  assert.equal(shouldRetry(policy, { ...report, remainingMs: 150, delayMs: 180 }), false);
  assert.equal(shouldRetry(policy, { ...report, remainingMs: 150 }), true, 'default delay: the base');
});

test('without a configured backoff the base is 25ms', () => {
  const noBackoff: RetryIR = { attempts: 1, codes: [503] };
  assert.equal(DEFAULT_BACKOFF_BASE_MS, 25);
  assert.deepEqual(decideRetry(noBackoff, { attempt: 1, outcome: status(503), bodyReplayable: true }, low), { retry: true, delayMs: 25 });
});

test('backoff grows exponentially with jitter, never below the base, capped at 10x', () => {
  const base = 100;
  // The ceiling of each attempt's range: 2x, 4x, 8x, then the 10x cap.
  const ceilings = [200, 400, 800, 1000, 1000, 1000];
  ceilings.forEach((ceiling, i) => {
    const attempt = i + 1;
    assert.equal(backoffMs(attempt, base, () => 0), base, `attempt ${attempt} floor`);
    assert.equal(backoffMs(attempt, base, () => 0.999999), ceiling - 1, `attempt ${attempt} ceiling`);
    assert.equal(backoffMs(attempt, base, () => 0.5), base + (ceiling - base) / 2);
  });
  assert.equal(BACKOFF_CAP_FACTOR, 10);
  assert.equal(backoffMs(1000, base, () => 0.999999), 999, 'huge attempt numbers stay capped');
  assert.equal(backoffMs(1, 0, () => 0.5), 0, 'a zero base retries at once');
  assert.equal(backoffMs(1, 2.5, () => 0), 3, 'never below a fractional base');
});
