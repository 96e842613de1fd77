// A TLS listener in Terminate mode: the gateway's certificate answers the handshake and the
// decrypted bytes reach the TLSRoute rule's backend as plain TCP, both ways, half-close included.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import type { TlsListenerIR } from '../../../src/ir/index.js';
import { forwardTerminatedTls } from '../../../sidecar/gateway/l4-forward.js';
import { listen, readToEnd, Tracker } from '../protocol/tcp-harness.js';
import { backend, Closer, depsFor, listenerRef, listenOn, meshOf, ruleOf, selfSigned } from './l4-harness.js';

const tracker = new Tracker();
const closer = new Closer();
after(async () => {
  await tracker.closeAll();
  await closer.closeAll();
});

const gatewayCert = selfSigned('db.example.com');
let gatewayPort = 0;
const plaintext: Buffer[] = [];

before(async () => {
  // Answers once the request is complete: the client's close_notify/FIN must come through as a FIN.
  const postgres = tracker.server((socket) => {
    void readToEnd(socket).then((request) => {
      plaintext.push(request);
      socket.end(`rows for ${request.toString()}`);
    });
  });
  const listener: TlsListenerIR = {
    listener: listenerRef('tls-terminate'),
    hostname: 'db.example.com',
    mode: 'Terminate',
    certificates: [],
    alpn: [],
    tls: {
      kind: 'tls',
      routes: [ruleOf('TLSRoute', 'db').route],
      rules: [{ id: ruleOf('TLSRoute', 'db'), sniHosts: ['db.example.com'], backends: [backend('postgres', 5432)] }],
    },
  };
  const deps = depsFor(meshOf([{ name: 'postgres', port: 5432, transport: 'TCP', endpointPorts: [await listen(postgres)] }]));
  // The gateway's part before ours: terminate with the listener's certificate.
  const gateway = tls.createServer({ ...gatewayCert, allowHalfOpen: true }, (socket) => {
    tracker.socket(socket);
    forwardTerminatedTls(socket, listener, socket.servername || '', deps);
  });
  gatewayPort = await listenOn(closer, gateway);
});

test('the client\'s plaintext arrives at the TCP backend and the answer comes back over TLS', { timeout: 10_000 }, async () => {
  const client = tracker.socket(
    tls.connect({ host: '127.0.0.1', port: gatewayPort, servername: 'db.example.com', ca: gatewayCert.cert }),
  );
  await new Promise<void>((resolve, reject) => client.once('secureConnect', resolve).once('error', reject));
  assert.equal(client.getPeerCertificate().subject.CN, 'db.example.com', 'the handshake is with the gateway');
  const answer = readToEnd(client);
  client.write('select ');
  client.end('1');
  assert.equal((await answer).toString(), 'rows for select 1');
  assert.deepEqual(plaintext.map(String), ['select 1'], 'the backend got the decrypted bytes, nothing else');
});

test('an SNI the listener\'s rules do not take is closed after the handshake', { timeout: 10_000 }, async () => {
  const client = tracker.socket(
    tls.connect({ host: '127.0.0.1', port: gatewayPort, servername: 'other.example.com', ca: gatewayCert.cert, checkServerIdentity: () => undefined }),
  );
  let answered = 0;
  client.on('data', (chunk: Buffer) => (answered += chunk.length));
  const closed = new Promise((resolve) => client.once('close', resolve));
  client.write('hello?');
  await closed;
  assert.equal(answered, 0);
  assert.equal(plaintext.length, 1, 'nothing reached the backend');
});
