// Small plain-JavaScript programs run with `node -e` inside a test network namespace (see netns.ts):
// a TCP server that tells each client who answered, and a TCP client that reports what it got.
// Plain JS (no tsx) so they start in tens of milliseconds, also as an unprivileged UID.

/**
 * argv: name, host, port. Prints `listening <port>` once bound, then answers every connection with
 * one JSON line {server, local, remote} (address:port, [IPv6]:port) and closes it. Exits on SIGTERM.
 */
export const SERVE_SCRIPT = `
const net = require('node:net');
const [name, host, port] = process.argv.slice(1);
const hostPort = (address, port) => (address.includes(':') ? '[' + address + ']' : address) + ':' + port;
const server = net.createServer((socket) => {
  socket.on('error', () => {});
  const local = hostPort(socket.localAddress, socket.localPort);
  const remote = hostPort(socket.remoteAddress, socket.remotePort);
  socket.end(JSON.stringify({ server: name, local, remote }) + '\\n');
});
server.on('error', (error) => { console.error(error.message); process.exit(1); });
server.listen({ host, port: Number(port), ipv6Only: host.includes(':') }, () => {
  console.log('listening ' + server.address().port);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/**
 * argv: host, port, timeoutMs, text to send ('' for none). Connects, sends the text, reads until
 * the server closes, and prints one JSON line {ok, reply, local} or {ok: false, error}.
 */
export const CONNECT_SCRIPT = `
const net = require('node:net');
const [host, port, timeoutMs, send] = process.argv.slice(1);
const hostPort = (address, port) => (address.includes(':') ? '[' + address + ']' : address) + ':' + port;
let reply = '';
let local = '';
const finish = (result) => { console.log(JSON.stringify(result)); process.exit(0); };
const socket = net.connect({ host, port: Number(port) }, () => {
  local = hostPort(socket.localAddress, socket.localPort);
  if (send) socket.write(send);
});
socket.setEncoding('utf8');
socket.on('data', (chunk) => { reply += chunk; });
socket.on('end', () => finish({ ok: true, reply, local }));
socket.on('error', (error) => finish({ ok: false, error: error.code || error.message, reply, local }));
setTimeout(() => { socket.destroy(); finish({ ok: false, error: 'ETIMEDOUT', reply, local }); }, Number(timeoutMs)).unref();
`;
