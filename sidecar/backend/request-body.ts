// The request body as the attempts see it. With a retry policy, up to `limit` bytes are buffered so
// the request can be sent again; a body larger than that is streamed once and the request is then
// never retried (the rule: never retry a body already streamed beyond the buffer).
import { PassThrough, type Readable } from 'node:stream';

export type AttemptBody =
  | { kind: 'none' }
  | { kind: 'buffer'; buffer: Buffer }
  | { kind: 'stream'; stream: Readable; used: boolean };

export async function prepareBody(body: Readable | undefined, replay: boolean, limit: number): Promise<AttemptBody> {
  if (!body) return { kind: 'none' };
  if (!replay) return { kind: 'stream', stream: body, used: false };
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const chunk = await nextChunk(body);
    if (chunk === null) return { kind: 'buffer', buffer: Buffer.concat(chunks, size) };
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) {
      // Too large to replay: what was read goes first, then the rest of the stream.
      const rest = new PassThrough();
      for (const c of chunks) rest.write(c);
      body.pipe(rest);
      body.once('error', (err) => rest.destroy(err));
      return { kind: 'stream', stream: rest, used: false };
    }
  }
}

/** The body for one attempt: a Buffer can be sent again, a stream only once. */
export function bodyForAttempt(body: AttemptBody): Buffer | Readable | undefined {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'buffer':
      return body.buffer;
    case 'stream':
      body.used = true;
      return body.stream;
  }
}

export function replayable(body: AttemptBody): boolean {
  return body.kind !== 'stream' || !body.used;
}

function nextChunk(stream: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      resolve(chunk);
      return;
    }
    if (stream.readableEnded) {
      resolve(null);
      return;
    }
    const cleanup = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onReadable = (): void => {
      const c = stream.read() as Buffer | null;
      if (c === null) return;
      cleanup();
      resolve(c);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(null);
    };
    // Closed without an end: the client went away mid-body; never forward a truncated body.
    const onClose = (): void => {
      cleanup();
      if (stream.readableEnded) resolve(null);
      else reject(new Error('request body aborted by the client'));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('close', onClose);
    stream.once('error', onError);
  });
}
