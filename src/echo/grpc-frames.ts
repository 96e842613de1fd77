// gRPC's length-prefixed messages (1 byte compressed flag, 4 bytes big-endian length, payload),
// split out of DATA chunks that may cut a message anywhere, and framed for replies.

export interface GrpcMessage {
  compressed: boolean;
  payload: Buffer;
}

export class GrpcMessageTooLarge extends Error {
  constructor(readonly length: number, readonly limit: number) {
    super(`gRPC message of ${length} bytes is over the ${limit} byte limit`);
    this.name = 'GrpcMessageTooLarge';
  }
}

export class GrpcMessageReader {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #buffered = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** True when the bytes so far end exactly at a message boundary. */
  get atBoundary(): boolean {
    return this.#buffered === 0;
  }

  /** Adds bytes; returns the messages they complete. Throws GrpcMessageTooLarge. */
  push(chunk: Buffer): GrpcMessage[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const messages: GrpcMessage[] = [];
    while (this.#buffered >= 5) {
      const head = this.#peek(5);
      const length = head.readUInt32BE(1);
      if (length > this.#limit) throw new GrpcMessageTooLarge(length, this.#limit);
      if (this.#buffered < 5 + length) break;
      this.#take(5);
      messages.push({ compressed: head[0] === 1, payload: this.#take(length) });
    }
    return messages;
  }

  #peek(n: number): Buffer {
    const first = this.#chunks[0];
    if (first !== undefined && first.length >= n) return first.subarray(0, n);
    const joined = Buffer.concat(this.#chunks);
    this.#chunks = [joined];
    return joined.subarray(0, n);
  }

  #take(n: number): Buffer {
    const parts: Buffer[] = [];
    let needed = n;
    while (needed > 0) {
      const first = this.#chunks[0];
      if (first === undefined) break;
      if (first.length <= needed) {
        parts.push(first);
        this.#chunks.shift();
        needed -= first.length;
      } else {
        parts.push(first.subarray(0, needed));
        this.#chunks[0] = first.subarray(needed);
        needed = 0;
      }
    }
    this.#buffered -= n;
    return parts.length === 1 && parts[0] !== undefined ? parts[0] : Buffer.concat(parts, n);
  }
}

export function encodeGrpcMessage(payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}
