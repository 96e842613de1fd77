// gRPC on the echo port answers any /<service>/<method>: one JSON reply per request message, then
// grpc-status 0; metadata controls give response and trailing metadata, Trailers-Only errors, and
// resets, as a real grpc-js client sees them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { EchoServer, GrpcEchoReport } from '../../src/echo/index.js';
import { eventually, http2, http2Session, withEcho } from './echo-fixture.js';

const identity = (value: Buffer): Buffer => value;
const GreeterClient = grpc.makeGenericClientConstructor(
  {
    SayHello: {
      path: '/acme.greeter.v1.Greeter/SayHello',
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  },
  'Greeter',
);
type SayHello = (
  request: Buffer,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, reply?: Buffer) => void,
) => grpc.ClientUnaryCall;

type GreeterClient = InstanceType<typeof GreeterClient>;

async function withClient(echo: EchoServer, run: (client: GreeterClient) => Promise<void>): Promise<void> {
  const client = new GreeterClient(`127.0.0.1:${echo.address.port}`, grpc.credentials.createInsecure());
  try {
    await run(client);
  } finally {
    client.close();
  }
}

interface UnaryResult {
  error: grpc.ServiceError | null;
  reply: GrpcEchoReport | undefined;
  headers: grpc.Metadata | undefined;
  trailers: grpc.Metadata | undefined;
}

async function sayHello(
  client: GreeterClient,
  text: string,
  metadata: Record<string, string>,
  options: grpc.CallOptions = {},
): Promise<UnaryResult> {
  const md = new grpc.Metadata();
  for (const [key, value] of Object.entries(metadata)) md.add(key, value);
  return new Promise((resolve) => {
    let headers: grpc.Metadata | undefined;
    let trailers: grpc.Metadata | undefined;
    let settled: Omit<UnaryResult, 'headers' | 'trailers'> | undefined;
    const call = (client.SayHello as SayHello).call(client, Buffer.from(text), md, options, (error, reply) => {
      settled = { error, reply: reply === undefined ? undefined : (JSON.parse(reply.toString()) as GrpcEchoReport) };
    });
    call.on('metadata', (m: grpc.Metadata) => (headers = m));
    call.on('status', (status: grpc.StatusObject) => {
      trailers = status.metadata;
      // 'status' comes after the callback; a microtask later both are in.
      queueMicrotask(() => {
        resolve({ error: settled?.error ?? null, reply: settled?.reply, headers, trailers });
      });
    });
  });
}

test('a unary call on a made-up service is echoed with its metadata', { timeout: 10_000 }, async () => {
  await withEcho(async (echo, logs) => {
    await withClient(echo, async (client) => {
      const result = await sayHello(client, 'hi there', {
        'x-user': 'alice',
        'x-echo-set-header': 'x-served-by: pod-a',
        'x-echo-trailer': 'x-cost: 7',
      });
      assert.equal(result.error, null);
      const reply = result.reply;
      assert.ok(reply);
      assert.deepEqual(reply.grpc, { service: 'acme.greeter.v1.Greeter', method: 'SayHello' });
      assert.equal(reply.message.index, 0);
      assert.equal(reply.message.text, 'hi there');
      assert.equal(reply.message.bytes, 8);
      assert.equal(reply.message.compressed, false);
      assert.equal(reply.protocol, 'HTTP/2');
      assert.equal(reply.path, '/acme.greeter.v1.Greeter/SayHello');
      assert.deepEqual(reply.headers['x-user'], ['alice']);
      assert.deepEqual(reply.headers['content-type'], ['application/grpc']);
      assert.ok(result.headers && result.trailers);
      assert.deepEqual(result.headers.get('x-served-by'), ['pod-a']);
      assert.deepEqual(result.headers.get('x-echo-name'), ['echo-test']);
      assert.deepEqual(result.trailers.get('x-cost'), ['7']);
    });
    await eventually(() => logs.length === 1, 'the log line');
    const [line] = logs;
    assert.ok(line);
    assert.equal(line.grpcStatus, 0);
    assert.equal(line.messages, 1);
  });
});

test('a bidi stream gets one reply per message, in order', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    await withClient(echo, async (client) => {
      const call = client.makeBidiStreamRequest('/chat.v2.Room/Talk', identity, identity, new grpc.Metadata());
      const replies: GrpcEchoReport[] = [];
      const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
      call.on('data', (reply: Buffer) => {
        replies.push(JSON.parse(reply.toString()) as GrpcEchoReport);
        if (replies.length === 1) {
          call.write(Buffer.from('two'));
          call.write(Buffer.from([0xff, 0x00]));
          call.end();
        }
      });
      call.write(Buffer.from('one'));
      assert.equal((await status).code, grpc.status.OK);
      assert.deepEqual(replies.map((r) => [r.message.index, r.message.text]), [[0, 'one'], [1, 'two'], [2, undefined]]);
      assert.deepEqual(replies[0]?.grpc, { service: 'chat.v2.Room', method: 'Talk' });
      assert.equal(replies[2]?.message.bytes, 2);
    });
  });
});

test('x-echo-grpc-status gives the client that status in a Trailers-Only answer', { timeout: 10_000 }, async () => {
  await withEcho(async (echo) => {
    await withClient(echo, async (client) => {
      const result = await sayHello(client, 'x', { 'x-echo-grpc-status': '5', 'x-echo-grpc-message': 'no such greeting' });
      assert.equal(result.error?.code, grpc.status.NOT_FOUND);
      assert.equal(result.error.details, 'no such greeting');
    });
    // On the wire: one HEADERS frame holding the status, no body, no separate trailers.
    const session = http2Session(echo);
    try {
      const answer = await http2(
        session,
        { ':method': 'POST', ':path': '/a.B/C', 'content-type': 'application/grpc', te: 'trailers', 'x-echo-grpc-status': '14' },
        Buffer.from([0, 0, 0, 0, 0]),
      );
      assert.equal(answer.headers[':status'], 200);
      assert.equal(answer.headers['grpc-status'], '14');
      assert.equal(answer.headers['content-type'], 'application/grpc');
      assert.equal(answer.trailers, undefined);
      assert.equal(answer.body.length, 0);
    } finally {
      session.close();
    }
  });
});

test('x-echo-fail: reset, a trailer grpc-status and a delay past the deadline reach the client', { timeout: 10_000 }, async () => {
  await withEcho(async (echo, logs) => {
    await withClient(echo, async (client) => {
      const reset = await sayHello(client, 'x', { 'x-echo-fail': 'reset' });
      assert.equal(reset.error?.code, grpc.status.INTERNAL);

      const late = await sayHello(client, 'x', { 'x-echo-trailer': 'grpc-status: 13' });
      assert.equal(late.error?.code, grpc.status.INTERNAL);

      const slow = await sayHello(client, 'x', { 'x-echo-delay-ms': '5000' }, { deadline: Date.now() + 100 });
      assert.equal(slow.error?.code, grpc.status.DEADLINE_EXCEEDED);
    });
    await eventually(() => logs.some((l) => l.outcome === 'aborted'), 'the cancelled call in the log');
    assert.deepEqual(logs.map((l) => l.outcome), ['reset', 'answered', 'aborted']);
  });
});
