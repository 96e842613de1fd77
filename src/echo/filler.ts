// The body of `x-echo-body-bytes` answers: printable filler whose byte at offset i is
// FILLER_ALPHABET[i % 61], so a test can check any byte range it got for corruption or shifts,
// written with backpressure so a 10 GB answer costs no memory.
import { once, type EventEmitter } from 'node:events';

export const FILLER_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345678';

/** A multiple of the alphabet's length, so every full chunk continues the pattern exactly. */
const CHUNK = Buffer.from(FILLER_ALPHABET.repeat(Math.floor(65536 / FILLER_ALPHABET.length)));

/** The filler bytes from offset `start` (for tests and clients that verify a download). */
export function fillerBytes(start: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = FILLER_ALPHABET.charCodeAt((start + i) % FILLER_ALPHABET.length);
  return out;
}

interface WritableSink extends EventEmitter {
  write(chunk: Buffer): boolean;
}

/** Waits for 'drain'; rejects when `gone` aborts (the peer left, so 'drain' would never come). */
export async function drained(sink: EventEmitter, gone: AbortSignal): Promise<void> {
  await once(sink, 'drain', { signal: gone });
}

export async function writeFiller(sink: WritableSink, total: number, gone: AbortSignal): Promise<void> {
  let left = total;
  while (left > 0) {
    gone.throwIfAborted();
    const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
    left -= chunk.length;
    if (!sink.write(chunk)) await drained(sink, gone);
  }
}
