// A destination that is no Service (an external API, a database outside the mesh) is passed to
// the address the client addressed, untouched: same Host, same target, same body, the server's
// answer as it was, on HTTP/1.1, h2c and opaque TCP alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, startTestMesh, serviceYaml, type EchoReply } from '../../support/mesh.js';
import { Peers, readUntil, within } from '../../support/peers.js';
import { startRedirectedSidecar } from '../../support/redirected-sidecar.js';

const UNRELATED = serviceYaml({ name: 'unrelated', backends: [{ host: '127.0.0.1', port: 9 }] });

test('an HTTP/1.1 request for an address that is no Service reaches that address', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const outside = await peers.echo('outside');
    const mesh = await startTestMesh(UNRELATED);
    peers.onClose(() => mesh.close());
    const host = `127.0.0.1:${outside.address.port}`;
    const answer = await request(mesh.port, host, '/v1/things?id=7', { method: 'POST', body: 'payload', headers: { 'x-app': 'a' } });
    assert.equal(answer.status, 200, answer.body);
    const reply = answer.json as EchoReply;
    assert.equal(reply.name, 'outside');
    assert.equal(reply.host, host);
    assert.equal(reply.path, '/v1/things?id=7');
    assert.deepEqual(reply.headers['x-app'], ['a']);
    assert.equal(reply.body.bytes, 'payload'.length);
    assert.equal(answer.headers['x-sidelane-error'], undefined);
  } finally {
    await peers.close();
  }
});

test('the backend\'s own error status passes through as it is, not as a proxy error', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const outside = await peers.echo('outside');
    const mesh = await startTestMesh(UNRELATED);
    peers.onClose(() => mesh.close());
    const answer = await request(mesh.port, `127.0.0.1:${outside.address.port}`, '/', { headers: { 'x-echo-status': '503' } });
    assert.equal(answer.status, 503);
    assert.equal(answer.headers['x-echo-name'], 'outside');
    assert.equal(answer.headers['x-sidelane-error'], undefined);
  } finally {
    await peers.close();
  }
});

test('an h2c request for an address that is no Service reaches that address over HTTP/2', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const outside = await peers.echo('outside');
    const mesh = await startTestMesh(UNRELATED);
    peers.onClose(() => mesh.close());
    const session = peers.h2c(mesh.port);
    const authority = `127.0.0.1:${outside.address.port}`;
    const body = await within(
      new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':path': '/h2', ':authority': authority });
        stream.end();
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => { resolve(Buffer.concat(chunks).toString()); });
        stream.on('error', reject);
      }),
      5000,
      'h2c pass-through',
    );
    const reply = JSON.parse(body) as EchoReply & { protocol: string };
    assert.equal(reply.name, 'outside');
    assert.equal(reply.protocol, 'HTTP/2');
    assert.equal(reply.host, authority);
  } finally {
    await peers.close();
  }
});

test('an opaque TCP connection to an address that is no Service is passed through byte for byte', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    // Not HTTP, and the client speaks first: the sniff gives up at once (binary), bytes pass as is.
    const outsidePort = await peers.tcpServer((socket) => socket.pipe(socket));
    // The test plays iptables' part: the connection "was meant for" the outside server.
    const proxy = await startRedirectedSidecar(UNRELATED, { address: '127.0.0.1', port: outsidePort });
    peers.onClose(() => proxy.close());
    const client = await peers.connect(proxy.port);
    const bytes = Buffer.from([0x00, 0xff, 0x16, 0x03, 0x01, 0x0d, 0x0a, 0x50, 0x52, 0x49]);
    client.end(bytes);
    const echoed = await readUntil(client, () => false);
    assert.ok(echoed.equals(bytes), `got ${echoed.toString('hex')}`);
  } finally {
    await peers.close();
  }
});
