// What the proxy knows of one accepted connection before any request on it: where the client
// meant to go (the original destination of a redirected connection), and where it came from.
import type { HostnamePattern } from '../../src/ir/index.js';
import type { Destination } from '../config/mesh-view.js';
import type { OriginalDestination } from './orig-dst.js';

/** `gateway`: north-south traffic entering through a Gateway listener (gateway mode). */
export type Direction = 'outbound' | 'inbound' | 'gateway';

/** Where a gateway-mode connection came in: what routes its requests. */
export interface GatewayEntry {
  /** The listener port as the Gateway declares it (before any local port offset). */
  port: number;
  /** `https` on TLS ports: redirects keep it. */
  scheme: 'http' | 'https';
  /** TLS ports: the hostname of the listener the ClientHello's SNI chose; its hosts route requests. */
  listener?: HostnamePattern;
}

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
  /** Set on gateway connections only. */
  gateway?: GatewayEntry;
}
