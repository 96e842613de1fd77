// The two HTTP parsers a proxy hands accepted sockets to (HTTP/1.1 with Upgrade, and h2c or HTTP/2
// after ALPN), both turning requests into Exchanges for one handler. Shared by the sidecar and
// the gateway, which differ only in how they choose the socket's context.
import type http from 'node:http';
import type http2 from 'node:http2';
import type { Duplex } from 'node:stream';
import type { ConnectionContext } from '../listen/connection.js';
import type { Exchange } from './exchange.js';
import { createHttp1Server } from './http1.js';
import { createHttp2Server } from './http2.js';
import { UpgradeExchange } from './upgrade.js';

export interface HttpServers {
  http1: http.Server;
  http2: http2.Http2Server;
}

export function createHttpServers(contextOf: (socket: Duplex) => ConnectionContext, serve: (ex: Exchange) => void): HttpServers {
  const http1 = createHttp1Server({
    contextOf,
    onExchange: serve,
    onUpgrade: (req, socket, head) => {
      serve(new UpgradeExchange(req, socket, head, contextOf(socket)));
    },
  });
  const http2Server = createHttp2Server({ contextOf, onExchange: serve });
  return { http1, http2: http2Server };
}
