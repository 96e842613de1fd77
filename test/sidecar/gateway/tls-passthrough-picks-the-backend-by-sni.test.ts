// A TLS listener in Passthrough mode sends the connection, ClientHello included, to the TLSRoute
// rule of its SNI: the client's handshake is with that backend's certificate, never the gateway's.
// An SNI no rule takes is closed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import type { TlsListenerIR } from '../../../src/ir/index.js';
import { passthroughTls } from '../../../sidecar/gateway/l4-forward.js';
import { readClientHello } from '../../../sidecar/protocol/tls-client-hello.js';
import { listen, readToEnd, Tracker } from '../protocol/tcp-harness.js';
import { backend, Closer, depsFor, listenerRef, listenOn, meshOf, ruleOf, selfSigned } from './l4-harness.js';

const tracker = new Tracker();
const closer = new Closer();
after(async () => {
  await tracker.closeAll();
  await closer.closeAll();
});

const alphaCert = selfSigned('a.example.com');
const betaCert = selfSigned('b.example.com');
let gatewayPort = 0;

/** A TLS backend answering `<name>:<what the client sent>` once the client has finished. */
async function tlsBackend(name: string, cert: { cert: string; key: string }): Promise<number> {
  const server = tls.createServer({ ...cert, allowHalfOpen: true }, (socket) => {
    tracker.socket(socket);
    void readToEnd(socket).then((request) => socket.end(`${name}:${request.toString()}`));
  });
  return listenOn(closer, server);
}

before(async () => {
  const listener: TlsListenerIR = {
    listener: listenerRef('tls-passthrough'),
    hostname: '*.example.com',
    mode: 'Passthrough',
    certificates: [],
    alpn: [],
    tls: {
      kind: 'tls',
      routes: [ruleOf('TLSRoute', 'alpha').route, ruleOf('TLSRoute', 'beta').route],
      rules: [
        { id: ruleOf('TLSRoute', 'alpha'), sniHosts: ['a.example.com'], backends: [backend('alpha', 443)] },
        { id: ruleOf('TLSRoute', 'beta'), sniHosts: ['*.example.com'], backends: [backend('beta', 443)] },
      ],
    },
  };
  const deps = depsFor(
    meshOf([
      { name: 'alpha', port: 443, transport: 'TCP', endpointPorts: [await tlsBackend('alpha', alphaCert)] },
      { name: 'beta', port: 443, transport: 'TCP', endpointPorts: [await tlsBackend('beta', betaCert)] },
    ]),
  );
  // The gateway's part before ours: peek the ClientHello for its SNI.
  const gateway = tracker.server((socket) => {
    void readClientHello(socket, Buffer.alloc(0), 2000).then((read) => {
      const sni = read.hello.complete && 'sni' in read.hello ? (read.hello.sni ?? '') : '';
      passthroughTls(socket, read.head, listener, sni, deps);
    });
  });
  gatewayPort = await listen(gateway);
});

async function ask(servername: string, ca: string): Promise<{ subject: string | string[] | undefined; answer: string }> {
  const client = tracker.socket(tls.connect({ host: '127.0.0.1', port: gatewayPort, servername, ca }));
  await new Promise<void>((resolve, reject) => client.once('secureConnect', resolve).once('error', reject));
  const subject = client.getPeerCertificate().subject.CN;
  const answer = readToEnd(client);
  client.end('ping');
  return { subject, answer: (await answer).toString() };
}

test('the exact SNI reaches alpha, whose certificate the client verifies', { timeout: 10_000 }, async () => {
  assert.deepEqual(await ask('a.example.com', alphaCert.cert), { subject: 'a.example.com', answer: 'alpha:ping' });
});

test('another name under the wildcard reaches beta with beta\'s certificate', { timeout: 10_000 }, async () => {
  assert.deepEqual(await ask('b.example.com', betaCert.cert), { subject: 'b.example.com', answer: 'beta:ping' });
});

test('an SNI no rule takes is closed before any handshake', { timeout: 10_000 }, async () => {
  await assert.rejects(ask('other.test', alphaCert.cert), (error: NodeJS.ErrnoException) => {
    assert.match(error.code ?? error.message, /ECONNRESET|disconnected/);
    return true;
  });
});
