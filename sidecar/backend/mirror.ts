// RequestMirror: a copy of the request goes to another Service, fire-and-forget. The mirror never
// slows the main request: it gets the body chunks as they pass, and is dropped (not waited for)
// when it falls behind by more than a buffer; its response is read and discarded.
import { PassThrough, type Readable } from 'node:stream';
import type { ServiceRef } from '../../src/ir/index.js';
import type { UpstreamClient } from '../endpoint/upstream.js';
import type { Exchange } from '../protocol/exchange.js';
import type { ForwardPlan } from '../route/http-plan.js';
import { drainBody } from './discard-body.js';
import type { ForwarderDeps } from './forward.js';

/** A mirror that lags this far behind the main request is abandoned. */
const MIRROR_LAG_LIMIT = 1024 * 1024;
/** A mirror may not outlive its usefulness: a hung mirror backend must not pin memory. */
const MIRROR_TIMEOUT_MS = 30_000;

/**
 * Starts the mirrors of `plan`; returns the body the main request must now read (the original
 * body is split between it and the mirrors), or the original when nothing was mirrored.
 */
export function startMirrors(
  ex: Exchange,
  plan: ForwardPlan,
  deps: Pick<ForwarderDeps, 'clusters' | 'log'>,
  clientFor: (ref: ServiceRef, port: number) => UpstreamClient,
): Readable | undefined {
  const split = ex.body ? new BodySplitter(ex.body) : undefined;
  for (const mirror of plan.mirrors) {
    const lease = deps.clusters.pick(mirror.service, mirror.port);
    if (!lease) {
      deps.log.debug({ mirror: `${mirror.service.namespace}/${mirror.service.name}:${mirror.port}` }, 'mirror has no ready endpoint; skipped');
      continue;
    }
    const body = split?.copy();
    const signal = AbortSignal.timeout(MIRROR_TIMEOUT_MS);
    clientFor(mirror.service, mirror.port)
      .request({ endpoint: lease.endpoint, method: ex.method, target: plan.target, authority: plan.authority, headers: plan.headers, body, signal })
      .then(
        (res) => {
          drainBody(res.body);
          res.body.once('close', () => { lease.release(); });
        },
        (err: unknown) => {
          lease.release();
          deps.log.debug({ err }, 'mirror request failed');
        },
      );
  }
  return split ? split.main : ex.body;
}

/**
 * Feeds one source to the main request (with backpressure: the source pauses when the main
 * request does) and to mirror copies (without: a copy that lags is cut off).
 */
class BodySplitter {
  readonly main = new PassThrough();
  readonly #copies: PassThrough[] = [];

  constructor(source: Readable) {
    source.on('data', (chunk: Buffer) => {
      for (const copy of this.#copies) {
        if (copy.destroyed) continue;
        if (copy.writableLength > MIRROR_LAG_LIMIT) copy.destroy(new Error('mirror fell behind'));
        else copy.write(chunk);
      }
      if (!this.main.write(chunk)) source.pause();
    });
    this.main.on('drain', () => source.resume());
    source.once('end', () => {
      this.main.end();
      for (const copy of this.#copies) copy.end();
    });
    source.once('error', (err) => {
      this.main.destroy(err);
      for (const copy of this.#copies) copy.destroy(err);
    });
  }

  copy(): Readable {
    const copy = new PassThrough();
    this.#copies.push(copy);
    return copy;
  }
}
