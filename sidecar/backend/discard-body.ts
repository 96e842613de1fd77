// Throwing away an upstream response body the client will never see: a retried attempt's, one
// that arrived after the client left, a mirror's. undici turns destroy() of an unfinished body
// into an 'error' event, and an 'error' without a listener is an uncaught exception, i.e. a
// crashed proxy: so a listener is always attached first.
import type { Readable } from 'node:stream';

function ignore(): void {
  // The body is unwanted; how it ends does not matter.
}

/** Stops reading `body` now and frees its connection. */
export function discardBody(body: Readable): void {
  body.on('error', ignore);
  body.destroy();
}

/** Reads `body` to its end without keeping it (the connection can then be reused). */
export function drainBody(body: Readable): void {
  body.on('error', ignore);
  body.resume();
}
