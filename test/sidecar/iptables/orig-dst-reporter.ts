// A stand-in for the proxy in interception tests, run inside a test network namespace as the
// proxy's UID: listens where the proxy would (outbound 15001 on loopback, inbound 15006) plus one
// port nothing redirects to, and answers each connection with one JSON line saying which listener
// took it and what SO_ORIGINAL_DST said. argv: "ipv6" to listen on IPv6 too. Prints "ready".
import { createServer, type Server } from 'node:net';
import { soOriginalDst, soOriginalDstLastError } from '../../../sidecar/listen/so-original-dst.js';

export interface Report {
  listener: 'outbound' | 'inbound' | 'plain';
  /** `address:port` (`[v6]:port`), or null when not redirected. */
  origDst: string | null;
  /** The last SO_ORIGINAL_DST failure code, if any. */
  error: string | null;
}

const ipv6 = process.argv.includes('ipv6');
const listeners: [Report['listener'], string, number][] = [
  ['outbound', '127.0.0.1', 15001],
  ['plain', '127.0.0.1', 15002],
  // Dual-stack when IPv6 is on: IPv4 connections then arrive as ::ffff:a.b.c.d, the mapped case.
  ['inbound', ipv6 ? '::' : '0.0.0.0', 15006],
  ...(ipv6 ? [['outbound', '::1', 15001] as [Report['listener'], string, number]] : []),
];

const servers: Server[] = [];
let pending = listeners.length;
for (const [listener, host, port] of listeners) {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    const origDst = soOriginalDst(socket);
    const text = origDst ? `${origDst.address.includes(':') ? `[${origDst.address}]` : origDst.address}:${origDst.port}` : null;
    const report: Report = { listener, origDst: text, error: soOriginalDstLastError()?.code ?? null };
    socket.end(`${JSON.stringify(report)}\n`);
  });
  server.on('error', (error) => {
    process.stderr.write(`${listener} ${host}:${port}: ${error.message}\n`);
    process.exit(1);
  });
  server.listen({ host, port, ipv6Only: false }, () => {
    if (--pending === 0) process.stdout.write('ready\n');
  });
  servers.push(server);
}
process.on('SIGTERM', () => {
  for (const server of servers) server.close();
  process.exit(0);
});
