// The webhook's HTTPS transport: POST /inject parses an AdmissionReview and answers with what the
// pure `admit` decided; GET /ready and /metrics serve the kubelet and Prometheus. Bad requests get a
// JSON error, never a crash; an exception inside admit is answered as the failure policy says. The
// certificate is swapped in place (setSecureContext), so rotation needs no restart.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { InjectorConfig } from './config.js';
import { InjectorMetrics } from './metrics.js';
import { admit as pureAdmit, type AdmitResult } from './mutate.js';
import { internalErrorAnswer, peekReview, type FailurePolicy } from './review-fallback.js';

export type { FailurePolicy } from './review-fallback.js';

export type AdmitFunction = (review: unknown, config: InjectorConfig) => AdmitResult;

export interface ServingTls {
  cert: string;
  key: string;
}

export interface InjectorServerOptions {
  /** undefined: every interface. */
  host?: string | undefined;
  port: number;
  tls: ServingTls;
  config: InjectorConfig;
  /** What an exception inside admit answers: Ignore lets the pod in unchanged, Fail refuses it. */
  failurePolicy: FailurePolicy;
  log: Logger;
  registry: Registry;
  /** The decision; tests pass one that throws. Default: injector/mutate.ts's admit. */
  admit?: AdmitFunction;
  /** Largest AdmissionReview accepted (default 10 MiB); more is answered 413. */
  maxBodyBytes?: number;
  /** Why the injector is not ready yet, or undefined when it is. */
  notReady?: () => string | undefined;
}

export interface InjectorServer {
  readonly host: string;
  readonly port: number;
  /** Serves new connections with this certificate from now on. Throws if the pair is unusable. */
  setTls(tls: ServingTls): void;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

export async function startInjectorServer(options: InjectorServerOptions): Promise<InjectorServer> {
  const metrics = new InjectorMetrics(options.registry);
  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, (req, res) => {
    route(req, res, options, metrics).catch((err: unknown) => {
      options.log.error({ err, path: req.url }, 'injector: request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  // The API server gives a webhook at most 30 s; a client that sends nothing is cut off sooner.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    setTls: (tls) => { server.setSecureContext({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }); },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => { resolve(); });
        server.closeIdleConnections();
        // Answers in flight are synchronous; whatever is still open after a moment is idle or stuck.
        setTimeout(() => { server.closeAllConnections(); }, 1000).unref();
      }),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, options: InjectorServerOptions, metrics: InjectorMetrics): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (path === '/inject') {
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'use POST with an AdmissionReview' }, { allow: 'POST' });
      return;
    }
    await review(req, res, options, metrics);
  } else if (path === '/ready' && read) {
    const why = options.notReady?.();
    res.writeHead(why === undefined ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(why ?? 'ready\n');
  } else if (path === '/metrics' && read) {
    const text = await options.registry.metrics();
    res.writeHead(200, { 'content-type': options.registry.contentType }).end(text);
  } else {
    sendJson(res, 404, { error: `no ${req.method ?? ''} ${path ?? ''} here: POST /inject, GET /ready, GET /metrics` });
  }
}

async function review(req: IncomingMessage, res: ServerResponse, options: InjectorServerOptions, metrics: InjectorMetrics): Promise<void> {
  const started = performance.now();
  const { log } = options;
  const refuse = (status: number, error: string): void => {
    metrics.reviews.inc({ outcome: 'invalid-review', dry_run: 'false' });
    metrics.reviewDuration.observe({ outcome: 'invalid-review' }, (performance.now() - started) / 1000);
    log.warn({ event: 'review', outcome: 'invalid-review', status, reason: error }, 'admission review refused');
    sendJson(res, status, { error }, status === 413 ? { connection: 'close' } : {});
  };
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    req.resume();
    refuse(400, `content-type must be application/json, got "${req.headers['content-type'] ?? ''}"`);
    return;
  }
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const body = Number(req.headers['content-length'] ?? 0) > limit ? undefined : await readBody(req, limit);
  if (body === undefined) {
    req.resume();
    refuse(413, `an AdmissionReview is at most ${limit} bytes`);
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    refuse(400, `the body is not JSON: ${(err as Error).message}`);
    return;
  }

  let result: AdmitResult;
  try {
    result = (options.admit ?? pureAdmit)(parsed, options.config);
  } catch (err) {
    const peek = peekReview(parsed);
    const answer = internalErrorAnswer(peek, err, options.failurePolicy);
    const outcome = 'internal-error';
    metrics.reviews.inc({ outcome, dry_run: String(peek.dryRun) });
    metrics.reviewDuration.observe({ outcome }, (performance.now() - started) / 1000);
    const admitted = options.failurePolicy === 'Ignore';
    if (admitted && answer !== undefined) metrics.admittedWithoutInjection.inc({ reason: 'internal-error' });
    log.warn(
      { event: 'review', outcome, uid: peek.uid, namespace: peek.namespace, pod: peek.pod, dryRun: peek.dryRun, failurePolicy: options.failurePolicy, err },
      admitted ? 'pod admitted without injection: internal error' : 'pod refused: internal error (failurePolicy Fail)',
    );
    if (answer === undefined) sendJson(res, 500, { error: 'internal error, and the review has no request.uid to answer' });
    else sendJson(res, 200, answer);
    return;
  }

  const seconds = (performance.now() - started) / 1000;
  metrics.reviews.inc({ outcome: result.outcome, dry_run: String(result.dryRun) });
  metrics.reviewDuration.observe({ outcome: result.outcome }, seconds);
  const line = {
    event: 'review', outcome: result.outcome, namespace: result.namespace, pod: result.pod, dryRun: result.dryRun,
    reason: result.reason, uid: answerUid(result.review), durationMs: Math.round(seconds * 1e6) / 1e3,
  };
  if (result.outcome === 'invalid-pod') {
    metrics.admittedWithoutInjection.inc({ reason: 'invalid-pod' });
    log.warn(line, 'pod admitted without injection');
  } else if (result.outcome === 'invalid-review') {
    log.warn(line, 'admission review refused');
  } else {
    log.info(line, 'admission review');
  }
  if (result.outcome === 'invalid-review' && line.uid === undefined) {
    sendJson(res, 400, { error: result.reason });
    return;
  }
  sendJson(res, 200, result.review);
}

/** The body, or undefined once it passes `limit` bytes (the rest is then discarded). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    });
    req.once('end', () => { if (!over) resolve(Buffer.concat(chunks)); });
    req.once('error', reject);
    req.once('close', () => { if (!over && !req.complete) reject(new Error('the client went away before the body was complete')); });
  });
}

function answerUid(review: object): string | undefined {
  const uid = (review as { response?: { uid?: unknown } }).response?.uid;
  return typeof uid === 'string' && uid !== '' ? uid : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
}
