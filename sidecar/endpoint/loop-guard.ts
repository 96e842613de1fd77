// Refuses to send a request to the listener it arrived on. A Service whose endpoint is the proxy's
// own listener (a local-mode manifest pointing back at the proxy, a pass-through to itself) would
// otherwise make every hop open another connection to the proxy, without end.
import type { EndpointAddr, UpstreamClient, UpstreamRequest, UpstreamResponse } from './upstream.js';
import { UpstreamError } from './upstream.js';

/** The address a downstream connection was accepted on (ConnectionContext's local side). */
export interface ListenerAddr {
  localAddress: string;
  localPort: number;
}

/**
 * Whether `endpoint` is the listener itself: same port, and the same address, `localhost`, or a
 * loopback address when the listener is bound to every interface and the client came over loopback.
 */
export function isListener(endpoint: EndpointAddr, listener: ListenerAddr): boolean {
  if (endpoint.port !== listener.localPort || listener.localPort === 0) return false;
  const address = unmapped(endpoint.address);
  const local = unmapped(listener.localAddress);
  if (address === local || address === 'localhost') return true;
  return isLoopback(address) && isLoopback(local);
}

/** `client`, except that a request to the listener fails with UpstreamError('loop'). */
export function refusingLoops(client: UpstreamClient, listener: ListenerAddr): UpstreamClient {
  return {
    request(req: UpstreamRequest): Promise<UpstreamResponse> {
      if (isListener(req.endpoint, listener)) {
        return Promise.reject(new UpstreamError('loop', `${req.endpoint.address}:${req.endpoint.port} is the listener the request came in on`));
      }
      return client.request(req);
    },
    close: () => client.close(),
  };
}

function unmapped(address: string): string {
  const lower = address.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return /^::ffff:\d/.test(lower) ? lower.slice(7) : lower;
}

function isLoopback(address: string): boolean {
  return address === '::1' || /^127\./.test(address);
}
