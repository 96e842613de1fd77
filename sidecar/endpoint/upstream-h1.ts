// HTTP/1.1 to endpoints over undici's keep-alive pools: one Agent per proxy holds a pool per
// endpoint origin, so connections are reused across requests (the largest single win for a
// proxy's throughput). Bodies stream both ways with backpressure; undici frames them as the
// headers say (Content-Length kept, otherwise chunked).
import { Agent } from 'undici';
import { endToEndPairs } from '../protocol/hop-by-hop.js';
import type { NameValue } from '../route/request.js';
import { classifyUpstreamError, type UpstreamClient, type UpstreamRequest, type UpstreamResponse } from './upstream.js';

export interface Http1ClientOptions {
  connectTimeoutMs: number;
  /** Connections kept per endpoint. */
  connectionsPerEndpoint?: number;
}

export class Http1Upstream implements UpstreamClient {
  #agent: Agent;

  constructor(options: Http1ClientOptions) {
    this.#agent = new Agent({
      connections: options.connectionsPerEndpoint ?? 256,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: options.connectTimeoutMs },
      // Timeouts are the route's business (request/backendRequest); undici's defaults would cut
      // long polls and streams at 300 s.
      headersTimeout: 0,
      bodyTimeout: 0,
      maxHeaderSize: 64 * 1024,
    });
  }

  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const headers: string[] = [];
    headers.push('host', req.authority);
    for (const [name, value] of req.headers) headers.push(name, value);
    try {
      const res = await this.#agent.request({
        origin: origin(req.endpoint.address, req.endpoint.port),
        path: req.target,
        method: req.method,
        headers,
        body: req.body ?? null,
        signal: req.signal,
        // Upgrade and CONNECT are handled elsewhere; never follow redirects: the client decides.
        maxRedirections: 0,
        // Same semantics for every method: a HEAD/GET body is forwarded if one was sent.
        blocking: false,
        // The flat list as received: names keep their case, fields their order (Set-Cookie and
        // other repeats interleaved with other fields), values their bytes (latin1).
        responseHeaders: 'raw',
      } as Parameters<Agent['request']>[0]);
      return {
        status: res.statusCode,
        headers: endToEndPairs(res.headers as unknown as string[]),
        body: res.body,
        trailers: () => fromUndiciHeaders(res.trailers),
      };
    } catch (err) {
      throw classifyUpstreamError(err, req.signal);
    }
  }

  async close(): Promise<void> {
    await this.#agent.destroy();
  }
}

function origin(address: string, port: number): string {
  return address.includes(':') ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}

function fromUndiciHeaders(headers: Record<string, string | string[] | undefined>): NameValue[] {
  const flat: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) flat.push(name, v);
    else flat.push(name, value);
  }
  return endToEndPairs(flat);
}
