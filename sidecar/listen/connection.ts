// What the proxy knows of one accepted connection before any request on it: where the client
// meant to go (the original destination of a redirected connection), and where it came from.
import type { Destination } from '../config/mesh-view.js';
import type { OriginalDestination } from './orig-dst.js';

export type Direction = 'outbound' | 'inbound';

export interface ConnectionContext {
  direction: Direction;
  /** Undefined when the connection was not redirected: requests are then routed by Host. */
  origDst: OriginalDestination | undefined;
  /** The Service the original destination names (resolved once per connection and config). */
  destination?: Destination | undefined;
  remoteAddress: string;
  remotePort: number;
  /** The listener's own address, to refuse requests that would loop back into it. */
  localAddress: string;
  localPort: number;
}
