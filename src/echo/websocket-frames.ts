// RFC 6455 frames, as much as an echo needs: parse client frames (masked, no extensions) out of
// a byte stream that may split them anywhere, and encode unmasked server frames.

export const Opcode = { Continuation: 0x0, Text: 0x1, Binary: 0x2, Close: 0x8, Ping: 0x9, Pong: 0xa } as const;

export interface WebSocketFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** A violation that ends the connection with a close frame carrying `code`. */
export class WebSocketProtocolError extends Error {
  constructor(readonly code: 1002 | 1009, message: string) {
    super(message);
    this.name = 'WebSocketProtocolError';
  }
}

export class WebSocketFrameReader {
  readonly #limit: number;
  #pending: Buffer[] = [];
  #buffered = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Adds bytes; returns the frames they complete. Throws WebSocketProtocolError. */
  push(chunk: Buffer): WebSocketFrame[] {
    this.#pending.push(chunk);
    this.#buffered += chunk.length;
    const frames: WebSocketFrame[] = [];
    for (;;) {
      const frame = this.#next();
      if (frame === undefined) return frames;
      frames.push(frame);
    }
  }

  #next(): WebSocketFrame | undefined {
    if (this.#buffered < 2) return undefined;
    const head = this.#peek(Math.min(this.#buffered, 14));
    const b0 = head[0] ?? 0;
    const b1 = head[1] ?? 0;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if ((b0 & 0x70) !== 0) throw new WebSocketProtocolError(1002, 'reserved bits set without an extension');
    if (![0, 1, 2, 8, 9, 10].includes(opcode)) throw new WebSocketProtocolError(1002, `unknown opcode ${opcode}`);
    if ((b1 & 0x80) === 0) throw new WebSocketProtocolError(1002, 'client frames must be masked');
    let length = b1 & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (head.length < 4) return undefined;
      length = head.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (head.length < 10) return undefined;
      const long = head.readBigUInt64BE(2);
      if (long > BigInt(this.#limit)) throw new WebSocketProtocolError(1009, 'frame too large');
      length = Number(long);
      offset = 10;
    }
    if (opcode >= 8 && (!fin || length > 125)) throw new WebSocketProtocolError(1002, 'bad control frame');
    if (length > this.#limit) throw new WebSocketProtocolError(1009, 'frame too large');
    if (this.#buffered < offset + 4 + length) return undefined;
    this.#take(offset);
    const mask = this.#take(4);
    const payload = Buffer.from(this.#take(length));
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
    return { fin, opcode, payload };
  }

  #peek(n: number): Buffer {
    const first = this.#pending[0];
    if (first !== undefined && first.length >= n) return first.subarray(0, n);
    const joined = Buffer.concat(this.#pending);
    this.#pending = [joined];
    return joined.subarray(0, n);
  }

  #take(n: number): Buffer {
    const joined = this.#pending.length === 1 ? this.#pending[0] : Buffer.concat(this.#pending);
    if (joined === undefined) return Buffer.alloc(0);
    this.#pending = joined.length > n ? [joined.subarray(n)] : [];
    this.#buffered -= n;
    return joined.subarray(0, n);
  }
}

/** An unmasked (server) frame. */
export function encodeFrame(fin: boolean, opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const offset = length < 126 ? 2 : length <= 0xffff ? 4 : 10;
  const head = Buffer.alloc(offset);
  head[0] = (fin ? 0x80 : 0) | opcode;
  if (offset === 2) head[1] = length;
  else if (offset === 4) {
    head[1] = 126;
    head.writeUInt16BE(length, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([head, payload]);
}

export function closePayload(code: number): Buffer {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code, 0);
  return payload;
}
