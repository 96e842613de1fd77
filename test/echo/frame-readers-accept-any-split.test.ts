// gRPC messages and WebSocket frames arrive cut anywhere by TCP: the readers must give the same
// result whatever the split, and refuse what the protocols forbid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeGrpcMessage, GrpcMessageReader, GrpcMessageTooLarge } from '../../src/echo/grpc-frames.js';
import { WebSocketFrameReader, WebSocketProtocolError } from '../../src/echo/websocket-frames.js';

function maskedFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const length = payload.length;
  const b0 = (fin ? 0x80 : 0) | opcode;
  const head = length < 126 ? Buffer.from([b0, 0x80 | length]) : Buffer.from([b0, 0x80 | 126, length >> 8, length & 0xff]);
  return Buffer.concat([head, mask, Buffer.from(payload.map((byte, i) => byte ^ (mask[i & 3] ?? 0)))]);
}

test('gRPC messages are the same for every split point', () => {
  const stream = Buffer.concat(['first', '', 'third'].map((text) => encodeGrpcMessage(Buffer.from(text))));
  for (let cut = 0; cut <= stream.length; cut++) {
    for (let cut2 = cut; cut2 <= stream.length; cut2++) {
      const reader = new GrpcMessageReader(1024);
      const messages = [stream.subarray(0, cut), stream.subarray(cut, cut2), stream.subarray(cut2)].flatMap((part) => reader.push(part));
      assert.deepEqual(messages.map((m) => m.payload.toString()), ['first', '', 'third'], `cuts ${cut},${cut2}`);
      assert.ok(reader.atBoundary);
    }
  }
});

test('a gRPC message over the limit is refused from its header', () => {
  const reader = new GrpcMessageReader(10);
  assert.throws(() => reader.push(encodeGrpcMessage(Buffer.alloc(11)).subarray(0, 5)), GrpcMessageTooLarge);
});

test('WebSocket frames are unmasked the same for every split point', () => {
  const stream = Buffer.concat([
    maskedFrame(1, Buffer.from('hi')),
    maskedFrame(2, Buffer.alloc(300, 7), false),
    maskedFrame(9, Buffer.from('p')),
  ]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const reader = new WebSocketFrameReader(1024);
    const frames = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
    assert.deepEqual(frames.map((f) => [f.opcode, f.fin, f.payload.length]), [[1, true, 2], [2, false, 300], [9, true, 1]], `cut ${cut}`);
    assert.equal(frames[0]?.payload.toString(), 'hi');
    assert.ok(frames[1]?.payload.every((byte) => byte === 7));
  }
});

test('unmasked, oversized and malformed WebSocket frames are protocol errors', () => {
  const unmasked = Buffer.from([0x81, 0x01, 0x61]);
  assert.throws(() => new WebSocketFrameReader(1024).push(unmasked), (e) => e instanceof WebSocketProtocolError && e.code === 1002);
  assert.throws(
    () => new WebSocketFrameReader(10).push(maskedFrame(2, Buffer.alloc(11))),
    (e) => e instanceof WebSocketProtocolError && e.code === 1009,
  );
  assert.throws(() => new WebSocketFrameReader(1024).push(maskedFrame(9, Buffer.alloc(1), false)), WebSocketProtocolError);
  assert.throws(() => new WebSocketFrameReader(1024).push(maskedFrame(3, Buffer.alloc(1))), WebSocketProtocolError);
});
