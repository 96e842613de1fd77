// Sends a planned request to an endpoint and streams the answer back, retrying per the rule's
// policy and enforcing its timeouts: `request` bounds the whole exchange including retries,
// `backendRequest` each attempt, and a gRPC deadline (grpc-timeout) bounds both.
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryIR, TimeoutsIR } from '../../src/ir/index.js';
import type { Lease } from '../endpoint/balancer.js';
import { UpstreamError, type UpstreamClient, type UpstreamResponse } from '../endpoint/upstream.js';
import { ProxyErrorCode } from '../errors.js';
import type { Exchange } from '../protocol/exchange.js';
import { applyHeaderModifier } from '../route/header-modifier.js';
import type { ForwardPlan } from '../route/http-plan.js';
import type { NameValue } from '../route/request.js';
import { answerError } from './answer.js';
import { discardBody } from './discard-body.js';
import { bodyForAttempt, prepareBody, replayable } from './request-body.js';
import { decideRetry, type AttemptOutcome } from './retry-policy.js';
import type { RequestLabels } from './forward.js';

export interface AttemptTarget {
  pick(exclude?: ReadonlySet<string>): Lease | undefined;
  client: UpstreamClient;
}

export interface AttemptOptions {
  timeouts: TimeoutsIR | undefined;
  retry: RetryIR | undefined;
  grpcTimeoutMs: number | undefined;
  labels: RequestLabels;
  random: () => number;
  replayLimit: number;
  destination: string;
  /** The request body to send (the exchange's, or the main branch of a mirrored one). */
  body: Readable | undefined;
}

/**
 * Aborts of one exchange: the client leaving or the request deadline end everything; a
 * backendRequest timeout ends the current attempt. Plain fields and one AbortController per
 * attempt (undici and HTTP/2 need a signal), no listeners on the hot path: most requests never
 * abort, and EventTarget dispatch costs more than the rest of the routing.
 */
class ExchangeControl {
  /** Why the whole exchange ended early; undefined while it runs. */
  reason: unknown = undefined;
  #attempt: AbortController | undefined;
  #hook: ((reason: unknown) => void) | undefined;

  startAttempt(): AbortSignal {
    const attempt = new AbortController();
    this.#attempt = attempt;
    if (this.reason !== undefined) attempt.abort(this.reason);
    return attempt.signal;
  }

  /** Ends the current attempt (and the response it is streaming). */
  abortAttempt(reason: unknown): void {
    this.#attempt?.abort(reason);
    this.#hook?.(reason);
  }

  abortAll(reason: unknown): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.abortAttempt(reason);
  }

  /** While a response streams, aborts reach it here. */
  onAbort(hook: ((reason: unknown) => void) | undefined): void {
    this.#hook = hook;
  }
}

/** Runs the attempts; returns the status sent downstream (0 when the exchange was reset). */
export async function runAttempts(ex: Exchange, plan: ForwardPlan, target: AttemptTarget, o: AttemptOptions): Promise<number> {
  const started = Date.now();
  const requestMs = minDefined(positive(o.timeouts?.requestMs), o.grpcTimeoutMs);
  const deadline = requestMs === undefined ? undefined : started + requestMs;
  const control = new ExchangeControl();
  const onClientGone = (): void => {
    control.abortAll(CLIENT_GONE);
  };
  ex.clientGone.on(onClientGone);
  const timer = deadline === undefined ? undefined : setTimeout(() => { control.abortAll(TIMED_OUT); }, deadline - started);
  try {
    const body = await prepareBody(o.body, o.retry !== undefined && o.retry.attempts > 0, o.replayLimit);
    // Endpoints a retry should avoid; most requests never retry, so it is made on the first one.
    let excluded: Set<string> | undefined;
    for (let attempt = 1; ; attempt++) {
      const lease = target.pick(excluded);
      if (!lease) {
        o.labels.errorCode = ProxyErrorCode.NoHealthyEndpoint;
        return answerError(ex, ProxyErrorCode.NoHealthyEndpoint, `no ready endpoint for ${o.labels.backend || o.destination}`);
      }
      o.labels.endpoint = lease.key;
      const signal = control.startAttempt();
      const backendMs = positive(o.timeouts?.backendRequestMs);
      const attemptTimer = backendMs === undefined ? undefined : setTimeout(() => { control.abortAttempt(TIMED_OUT); }, backendMs);
      let outcome: AttemptOutcome;
      let response: UpstreamResponse | undefined;
      try {
        response = await target.client.request({
          endpoint: lease.endpoint,
          method: ex.method,
          target: plan.target,
          authority: plan.authority,
          headers: plan.headers,
          body: bodyForAttempt(body),
          signal,
        });
        outcome = { kind: 'status', status: response.status };
        if (signal.aborted) {
          // The head arrived as a timeout or the client's departure fired: too late to use it.
          discardBody(response.body);
          response = undefined;
          outcome = { kind: 'error', code: errorCode(undefined, signal) };
        }
      } catch (err) {
        outcome = { kind: 'error', code: errorCode(err, signal) };
      }
      const remainingMs = deadline === undefined ? undefined : deadline - Date.now();
      const decision =
        control.reason !== undefined || (outcome.kind === 'status' && !o.retry?.codes.includes(outcome.status))
          ? ({ retry: false } as const)
          : decideRetry(o.retry, { attempt, outcome, bodyReplayable: replayable(body), ...(remainingMs === undefined ? {} : { remainingMs }) }, o.random);
      if (decision.retry) {
        clearTimeout(attemptTimer);
        if (response) discardBody(response.body);
        lease.release();
        (excluded ??= new Set<string>()).add(lease.key);
        await sleep(decision.delayMs);
        if (control.reason !== undefined) return failWith(ex, o, control.reason);
        continue;
      }
      if (!response) {
        clearTimeout(attemptTimer);
        lease.release();
        const code = outcome.kind === 'error' ? outcome.code : ProxyErrorCode.UpstreamReset;
        if (ex.clientGone.gone) return 0;
        o.labels.errorCode = code;
        return answerError(ex, code, `${describe(code)} (${lease.key})`);
      }
      // backendRequest covers an attempt until its whole response has been received (GEP-1742),
      // so its timer runs on through the body; the attempt's signal also carries the request's.
      try {
        return await streamResponse(ex, plan, response, lease, control, o);
      } finally {
        clearTimeout(attemptTimer);
      }
    }
  } finally {
    clearTimeout(timer);
    ex.clientGone.off(onClientGone);
  }
}

async function streamResponse(ex: Exchange, plan: ForwardPlan, res: UpstreamResponse, lease: Lease, control: ExchangeControl, o: AttemptOptions): Promise<number> {
  let headers: NameValue[] = res.headers;
  for (const filter of plan.responseHeaders) {
    if (filter.type === 'ResponseHeaderModifier') headers = applyHeaderModifier(headers, filter);
  }
  if (plan.addResponseHeaders.length > 0) headers = withProxyHeaders(headers, plan.addResponseHeaders);
  if (ex.clientGone.gone) {
    discardBody(res.body);
    lease.release();
    return 0;
  }
  ex.respond(res.status, headers, res.endStream === true);
  return new Promise<number>((resolve) => {
    const sink = ex.sink;
    const body = res.body;
    let done = false;
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      lease.release();
      control.onAbort(undefined);
      body.off('data', onData);
      sink.off('drain', onDrain);
      if (ok) ex.finish(res.trailers());
      else {
        discardBody(body);
        ex.reset();
      }
      resolve(res.status);
    };
    const onData = (chunk: Buffer): void => {
      if (!sink.write(chunk)) body.pause();
    };
    const onDrain = (): void => {
      body.resume();
    };
    body.on('data', onData);
    sink.on('drain', onDrain);
    body.once('end', () => { finish(true); });
    body.once('error', () => { finish(false); });
    body.once('close', () => {
      if (!body.readableEnded) finish(false);
    });
    // A deadline during the body: the head is gone, so the only signal left is a reset.
    control.onAbort((reason) => {
      if (reason === TIMED_OUT) o.labels.errorCode = ProxyErrorCode.UpstreamTimeout;
      finish(false);
    });
  });
}

/**
 * Headers the proxy adds (CORS): they replace what the upstream sent under the same name, except
 * Vary, which accumulates.
 */
function withProxyHeaders(upstream: NameValue[], added: readonly NameValue[]): NameValue[] {
  const replaced = new Set(added.map(([n]) => n.toLowerCase()).filter((n) => n !== 'vary'));
  return [...upstream.filter(([n]) => !replaced.has(n.toLowerCase())), ...added];
}

class TimeoutSignal extends Error {}

/** Abort reasons, made once: an Error per abort would capture a stack trace each time. */
const TIMED_OUT = new TimeoutSignal('timeout');
const CLIENT_GONE = new UpstreamError('aborted', 'client went away');

function errorCode(err: unknown, signal: AbortSignal): ProxyErrorCode {
  if (signal.reason instanceof TimeoutSignal) return ProxyErrorCode.UpstreamTimeout;
  if (err instanceof UpstreamError) {
    if (err.failure === 'connect') return ProxyErrorCode.UpstreamConnect;
    if (err.failure === 'aborted') return ProxyErrorCode.UpstreamTimeout;
    if (err.failure === 'loop') return ProxyErrorCode.RequestLoop;
  }
  return ProxyErrorCode.UpstreamReset;
}

function failWith(ex: Exchange, o: AttemptOptions, reason: unknown): number {
  if (ex.clientGone.gone) return 0;
  const code = reason instanceof TimeoutSignal ? ProxyErrorCode.UpstreamTimeout : ProxyErrorCode.UpstreamReset;
  o.labels.errorCode = code;
  return answerError(ex, code, describe(code));
}

function describe(code: ProxyErrorCode): string {
  switch (code) {
    case ProxyErrorCode.UpstreamTimeout:
      return 'the request timed out';
    case ProxyErrorCode.UpstreamConnect:
      return 'could not connect to the endpoint';
    case ProxyErrorCode.RequestLoop:
      return "the endpoint is this proxy's own listener";
    default:
      return 'the upstream closed the connection before responding';
  }
}

function positive(ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 ? ms : undefined;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
