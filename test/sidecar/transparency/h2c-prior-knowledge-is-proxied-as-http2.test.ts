// HTTP/2 with prior knowledge (h2c) is recognised by its preface and proxied as HTTP/2: streams
// multiplex over one client connection, and the upstream protocol follows the Service port —
// HTTP/2 for h2c/grpc ports (even when the client speaks HTTP/1.1, since the app behind such a
// port may speak nothing else), HTTP/1.1 for http ports, and what the client spoke otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http2 from 'node:http2';
import type { EchoReply } from '../../support/mesh.js';
import { request, startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, within } from '../../support/peers.js';
import { startRedirectedSidecar } from '../../support/redirected-sidecar.js';

interface H2Answer {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
}

function h2Get(session: http2.ClientHttp2Session, authority: string, path: string, headers: http2.OutgoingHttpHeaders = {}): Promise<H2Answer> {
  return within(
    new Promise<H2Answer>((resolve, reject) => {
      const stream = session.request({ ':path': path, ':authority': authority, ...headers });
      stream.end();
      let head: http2.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      stream.on('response', (h) => (head = h));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => { resolve({ status: Number(head[':status']), headers: head, body: Buffer.concat(chunks).toString() }); });
      stream.on('error', reject);
    }),
    5000,
    `h2 ${path}`,
  );
}

const PORTS = [
  { declared: 'appProtocol kubernetes.io/h2c', spec: { portName: 'web', appProtocol: 'kubernetes.io/h2c' }, h2: 'HTTP/2', h1: 'HTTP/2' },
  { declared: 'appProtocol grpc', spec: { portName: 'web', appProtocol: 'grpc' }, h2: 'HTTP/2', h1: 'HTTP/2' },
  { declared: 'a port named http', spec: { portName: 'http' }, h2: 'HTTP/1.1', h1: 'HTTP/1.1' },
  { declared: 'an undeclared protocol', spec: { portName: 'web' }, h2: 'HTTP/2', h1: 'HTTP/1.1' },
] as const;

for (const port of PORTS) {
  test(`an h2c client to ${port.declared} reaches the backend over ${port.h2}`, { timeout: 15_000 }, async () => {
    const peers = new Peers();
    try {
      const echo = await peers.echo('echo');
      const mesh = await startTestMesh(serviceYaml({ name: 'svc', ...port.spec, backends: [echo.address] }));
      peers.onClose(() => mesh.close());
      const session = peers.h2c(mesh.port);
      // Concurrent streams on the one client connection.
      const answers = await Promise.all([1, 2, 3, 4, 5].map((i) => h2Get(session, 'svc', `/s/${i}`, { 'x-stream': String(i) })));
      for (const [i, answer] of answers.entries()) {
        assert.equal(answer.status, 200, answer.body);
        const reply = JSON.parse(answer.body) as EchoReply & { protocol: string };
        assert.equal(reply.protocol, port.h2);
        assert.equal(reply.path, `/s/${i + 1}`);
        assert.deepEqual(reply.headers['x-stream'], [String(i + 1)]);
        assert.equal(reply.host, 'svc');
      }
    } finally {
      await peers.close();
    }
  });

  test(`an HTTP/1.1 client to ${port.declared} reaches the backend over ${port.h1}`, { timeout: 15_000 }, async () => {
    const peers = new Peers();
    try {
      const echo = await peers.echo('echo');
      const mesh = await startTestMesh(serviceYaml({ name: 'svc', ...port.spec, backends: [echo.address] }));
      peers.onClose(() => mesh.close());
      // Connection-specific fields must not break an HTTP/2 upstream (Node refuses them there).
      const answer = await request(mesh.port, 'svc', '/one', { headers: { connection: 'keep-alive, x-private', 'x-private': '1', 'keep-alive': 'timeout=5', te: 'trailers' } });
      assert.equal(answer.status, 200, answer.body);
      const reply = answer.json as EchoReply & { protocol: string };
      assert.equal(reply.protocol, port.h1);
      assert.equal(reply.headers['x-private'], undefined);
      assert.deepEqual(reply.headers.te, ['trailers']);
    } finally {
      await peers.close();
    }
  });
}

test('an h2c response\'s trailers reach an h2c client', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', portName: 'h2c', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    const session = peers.h2c(mesh.port);
    const trailers = await within(
      new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
        const stream = session.request({ ':path': '/t', ':authority': 'svc', 'x-echo-trailer': 'x-sum: 42' });
        stream.end();
        stream.resume();
        stream.on('trailers', resolve);
        stream.on('error', reject);
      }),
      5000,
      'trailers',
    );
    assert.equal(trailers['x-sum'], '42');
  } finally {
    await peers.close();
  }
});

test('an h2c connection redirected to a ClusterIP goes to that Service whatever its :authority says', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    // The test plays iptables' part: the connection was meant for the Service's ClusterIP.
    const proxy = await startRedirectedSidecar(serviceYaml({ name: 'svc', clusterIP: '10.96.0.40', portName: 'h2c', backends: [echo.address] }), { address: '10.96.0.40', port: 80 });
    peers.onClose(() => proxy.close());
    const session = peers.h2c(proxy.port);
    const answer = await h2Get(session, 'svc.example.invalid', '/by-orig-dst');
    assert.equal(answer.status, 200, answer.body);
    const reply = JSON.parse(answer.body) as EchoReply & { protocol: string };
    assert.equal(reply.path, '/by-orig-dst');
    assert.equal(reply.protocol, 'HTTP/2');
  } finally {
    await peers.close();
  }
});
