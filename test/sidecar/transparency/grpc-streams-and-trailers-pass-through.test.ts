// gRPC over the proxy with a real gRPC client (@grpc/grpc-js): unary, server-streaming and bidi
// calls, response metadata and trailers (grpc-status and custom trailers), a Trailers-Only answer
// from the backend, and the proxy's own errors answered as Trailers-Only with a gRPC status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { startTestMesh, serviceYaml, type TestMesh } from '../../support/mesh.js';
import { Peers, within } from '../../support/peers.js';

const raw = (b: Buffer): Buffer => b;
const text = (s: string): Buffer => Buffer.from(s);

interface Reply {
  protocol: string;
  path: string;
  host: string;
  message: { index: number; text?: string };
}

async function setUp(peers: Peers, ready = true): Promise<{ mesh: TestMesh; client: grpc.Client }> {
  const echo = await peers.echo('grpc-echo');
  const mesh = await startTestMesh(serviceYaml({ name: 'greeter', port: 50051, portName: 'grpc', backends: [{ ...echo.address, ready }] }));
  peers.onClose(() => mesh.close());
  // The channel connects to the proxy; :authority names the Service, as a mesh client's would.
  const client = new grpc.Client(`127.0.0.1:${mesh.port}`, grpc.credentials.createInsecure(), { 'grpc.default_authority': 'greeter:50051' });
  peers.onClose(() => {
    client.close();
  });
  return { mesh, client };
}

function parse(b: Buffer): Reply {
  return JSON.parse(b.toString()) as Reply;
}

test('a unary call gets its reply, headers and OK status through the proxy', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const { client } = await setUp(peers);
    let status: grpc.StatusObject | undefined;
    let headers: grpc.Metadata | undefined;
    const reply = await within(
      new Promise<Buffer>((resolve, reject) => {
        const call = client.makeUnaryRequest('/test.Greeter/Hello', raw, raw, text('hi'), (err, value) => {
          if (err) reject(err);
          else resolve(value ?? Buffer.alloc(0));
        });
        call.on('metadata', (m) => (headers = m));
        call.on('status', (s) => (status = s));
      }),
      5000,
      'unary call',
    );
    const r = parse(reply);
    assert.equal(r.protocol, 'HTTP/2');
    assert.equal(r.path, '/test.Greeter/Hello');
    assert.equal(r.host, 'greeter:50051');
    assert.equal(r.message.text, 'hi');
    assert.deepEqual(headers?.get('x-echo-name'), ['grpc-echo']);
    assert.equal(status?.code, grpc.status.OK);
  } finally {
    await peers.close();
  }
});

test('a bidi stream keeps message order and delivers custom trailers with the status', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const { client } = await setUp(peers);
    const metadata = new grpc.Metadata();
    metadata.add('x-echo-trailer', 'x-checksum: c0ffee');
    const call = client.makeBidiStreamRequest('/test.Chat/Talk', raw, raw, metadata);
    const replies: Reply[] = [];
    call.on('data', (b: Buffer) => replies.push(parse(b)));
    const status = within(new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve)), 5000, 'bidi status');
    call.on('error', () => undefined);
    for (const word of ['one', 'two', 'three']) call.write(text(word));
    call.end();
    const final = await status;
    assert.equal(final.code, grpc.status.OK);
    assert.deepEqual(final.metadata.get('x-checksum'), ['c0ffee']);
    assert.deepEqual(replies.map((r) => [r.message.index, r.message.text]), [[0, 'one'], [1, 'two'], [2, 'three']]);
  } finally {
    await peers.close();
  }
});

test('a server-streaming call ends with its status after the messages', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const { client } = await setUp(peers);
    const call = client.makeServerStreamRequest('/test.Feed/Watch', raw, raw, text('watch'));
    const replies: Reply[] = [];
    call.on('data', (b: Buffer) => replies.push(parse(b)));
    call.on('error', () => undefined);
    const final = await within(new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve)), 5000, 'stream status');
    assert.equal(final.code, grpc.status.OK);
    assert.deepEqual(replies.map((r) => r.message.text), ['watch']);
  } finally {
    await peers.close();
  }
});

test('a Trailers-Only answer from the backend reaches the client with its status, message and metadata', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const { client } = await setUp(peers);
    const metadata = new grpc.Metadata();
    metadata.add('x-echo-grpc-status', String(grpc.status.PERMISSION_DENIED));
    metadata.add('x-echo-grpc-message', 'not for you: 100%');
    metadata.add('x-echo-trailer', 'x-reason: policy');
    const err = await within(
      new Promise<grpc.ServiceError>((resolve, reject) => {
        client.makeUnaryRequest('/test.Greeter/Hello', raw, raw, text('hi'), metadata, (e) => {
          if (e) resolve(e);
          else reject(new Error('the call succeeded'));
        });
      }),
      5000,
      'Trailers-Only call',
    );
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    assert.equal(err.details, 'not for you: 100%');
    assert.deepEqual(err.metadata.get('x-reason'), ['policy']);
  } finally {
    await peers.close();
  }
});

test('the proxy\'s own error (no ready endpoint) is a Trailers-Only UNAVAILABLE with its error code', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const { client } = await setUp(peers, false);
    const err = await within(
      new Promise<grpc.ServiceError>((resolve, reject) => {
        client.makeUnaryRequest('/test.Greeter/Hello', raw, raw, text('hi'), (e) => {
          if (e) resolve(e);
          else reject(new Error('the call succeeded'));
        });
      }),
      5000,
      'call without endpoints',
    );
    assert.equal(err.code, grpc.status.UNAVAILABLE);
    assert.deepEqual(err.metadata.get(ERROR_HEADER), [ProxyErrorCode.NoHealthyEndpoint]);
  } finally {
    await peers.close();
  }
});
