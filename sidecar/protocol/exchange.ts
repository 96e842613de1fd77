// One downstream HTTP request and its response, the same shape for HTTP/1.1 and HTTP/2, so the
// routing and forwarding code is written once. The protocol adapters (http1.ts, http2.ts) make
// these from Node's server objects.
import type { Readable, Writable } from 'node:stream';
import type { NameValue } from '../route/request.js';
import type { ConnectionContext } from '../listen/connection.js';

export interface Exchange {
  readonly version: 1 | 2;
  readonly method: string;
  /** Request target as sent (origin-form path and query). */
  readonly target: string;
  /** Host / :authority as sent ('' when absent). */
  readonly authority: string;
  /** End-to-end request headers as received: hop-by-hop, Host and pseudo-headers removed. */
  readonly headers: NameValue[];
  /** Undefined when the request has no body. */
  readonly body: Readable | undefined;
  /** `content-type: application/grpc…`: errors are answered as gRPC statuses. */
  readonly grpc: boolean;
  readonly connection: ConnectionContext;
  /** An HTTP/1.1 Upgrade request (WebSocket): `body` is the client's socket. */
  readonly upgrade?: boolean;
  /** Tells (once) when the client goes away before the response is complete; not after a normal end. */
  readonly clientGone: GoneSignal;
  readonly headersSent: boolean;
  /** Sends the response head. `endStream`: no body follows. */
  respond(status: number, headers: readonly NameValue[], endStream: boolean): void;
  /** Where the response body goes (backpressure through its write() return value). */
  readonly sink: Writable;
  /** Ends the response, sending trailers where the protocol allows. */
  finish(trailers: readonly NameValue[]): void;
  /** Resets the downstream request (after the head was sent, the only way to signal failure). */
  reset(): void;
}

/**
 * The "client went away" signal of an exchange, without AbortController/EventTarget: those cost
 * an Event and a DOMException per request on the hot path, and fire at every normal end too.
 */
export class GoneSignal {
  gone = false;
  #listeners: (() => void)[] = [];

  on(listener: () => void): void {
    if (this.gone) listener();
    else this.#listeners.push(listener);
  }

  off(listener: () => void): void {
    const at = this.#listeners.indexOf(listener);
    if (at >= 0) this.#listeners.splice(at, 1);
  }

  /** The downstream closed; `complete` says whether the response had been fully sent. */
  closed(complete: boolean): void {
    if (complete || this.gone) {
      this.#listeners.length = 0;
      return;
    }
    this.gone = true;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }
}
