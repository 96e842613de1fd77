// Reading the TLS ClientHello of a passthrough connection for its SNI and ALPN, the only facts a
// TLSRoute can route on. The parser is pure and works on a prefix of the stream, so the caller can
// feed it bytes as they come and forward every one of them unchanged afterwards.
import type { Socket } from 'node:net';
import { readHead } from '../listen/sniff.js';

export interface ClientHelloInfo {
  complete: true;
  /** The host_name of server_name, lower-cased; absent when the client sent none. */
  sni?: string;
  /** ALPN protocol names in the client's order; empty when the extension is absent. */
  alpn: string[];
}

export type ClientHelloParse = { complete: false } | ClientHelloInfo | { complete: true; error: string };

const RECORD_HEADER = 5;
const HANDSHAKE_HEADER = 4;
const MAX_RECORD = 16 * 1024;
/** A real ClientHello is a few KiB (post-quantum key shares included); more is not worth reading. */
const MAX_CLIENT_HELLO = 64 * 1024;
const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;

/**
 * Parses the ClientHello at the start of `head`. `{ complete: false }` while more bytes are needed
 * (the hello may be split across TCP segments and across TLS records); an error once the bytes
 * cannot be a ClientHello. Bytes after the ClientHello are ignored.
 */
export function parseClientHello(head: Buffer): ClientHelloParse {
  const message = handshakeMessage(head);
  if (message === undefined) return { complete: false };
  if ('error' in message) return { complete: true, error: message.error };
  try {
    return parseBody(new Cursor(message.body));
  } catch (error) {
    if (error instanceof MalformedHello) return { complete: true, error: `malformed ClientHello: ${error.message}` };
    throw error;
  }
}

/**
 * Reads `socket` until the ClientHello in `head` plus what follows is complete, the socket ends or
 * `timeoutMs` passes (then `hello.complete` is false). `head` in the result holds every byte read
 * so far, to be forwarded upstream; the socket is left paused, holding the rest.
 */
export async function readClientHello(
  socket: Socket,
  head: Buffer,
  timeoutMs: number,
): Promise<{ hello: ClientHelloParse; head: Buffer }> {
  const read = await readHead(socket, head, (bytes) => parseClientHello(bytes).complete, {
    timeoutMs,
    maxBytes: MAX_CLIENT_HELLO + RECORD_HEADER * Math.ceil(MAX_CLIENT_HELLO / MAX_RECORD) + HANDSHAKE_HEADER,
  });
  return { hello: parseClientHello(read.head), head: read.head };
}

/**
 * The body of the first handshake message, reassembled from as many records as it spans;
 * undefined while incomplete.
 */
function handshakeMessage(head: Buffer): { body: Buffer } | { error: string } | undefined {
  const fragments: Buffer[] = [];
  let offset = 0;
  for (;;) {
    if (head.length < offset + RECORD_HEADER) return undefined;
    if (head[offset] !== 0x16) {
      return { error: offset === 0 ? 'not a TLS handshake record' : 'ClientHello interrupted by another record type' };
    }
    if (head[offset + 1] !== 0x03) return { error: 'not a TLS record version' };
    const length = head.readUInt16BE(offset + 3);
    if (length === 0 || length > MAX_RECORD) return { error: `bad TLS record length ${length}` };
    if (head.length < offset + RECORD_HEADER + length) return undefined;
    fragments.push(head.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + length));
    offset += RECORD_HEADER + length;
    const handshake = fragments.length === 1 ? fragments[0] ?? Buffer.alloc(0) : Buffer.concat(fragments);
    if (handshake.length < HANDSHAKE_HEADER) continue;
    if (handshake[0] !== 0x01) return { error: 'first handshake message is not a ClientHello' };
    const messageLength = handshake.readUIntBE(1, 3);
    if (messageLength > MAX_CLIENT_HELLO) return { error: `ClientHello of ${messageLength} bytes is too large` };
    if (handshake.length >= HANDSHAKE_HEADER + messageLength) {
      return { body: handshake.subarray(HANDSHAKE_HEADER, HANDSHAKE_HEADER + messageLength) };
    }
  }
}

function parseBody(hello: Cursor): ClientHelloInfo {
  hello.skip(2 + 32, 'version and random');
  hello.vector(1, 'session id');
  hello.vector(2, 'cipher suites');
  hello.vector(1, 'compression methods');
  const result: ClientHelloInfo = { complete: true, alpn: [] };
  // SSL 3.0-era hellos may end here: no extensions at all.
  if (hello.remaining === 0) return result;
  const extensions = new Cursor(hello.vector(2, 'extensions'));
  while (extensions.remaining > 0) {
    const type = extensions.uint(2, 'extension type');
    const data = new Cursor(extensions.vector(2, 'extension data'));
    if (type === EXT_SERVER_NAME) {
      const sni = serverName(data);
      if (sni !== undefined) result.sni = sni;
    } else if (type === EXT_ALPN) {
      result.alpn = alpnNames(data);
    }
  }
  return result;
}

function serverName(extension: Cursor): string | undefined {
  const names = new Cursor(extension.vector(2, 'server name list'));
  while (names.remaining > 0) {
    const nameType = names.uint(1, 'server name type');
    const name = names.vector(2, 'server name');
    if (nameType !== 0) continue;
    // A host name is printable ASCII (IDNs travel as A-labels); anything else is not a name.
    if (name.length === 0 || name.some((byte) => byte <= 0x20 || byte >= 0x7f)) throw new MalformedHello('server_name is not a host name');
    return name.toString('latin1').toLowerCase();
  }
  return undefined;
}

function alpnNames(extension: Cursor): string[] {
  const list = new Cursor(extension.vector(2, 'ALPN list'));
  const names: string[] = [];
  while (list.remaining > 0) {
    const name = list.vector(1, 'ALPN protocol');
    if (name.length === 0) throw new MalformedHello('empty ALPN protocol name');
    names.push(name.toString('latin1'));
  }
  return names;
}

class MalformedHello extends Error {}

/** Bounds-checked reading of TLS's length-prefixed structures. */
class Cursor {
  readonly #bytes: Buffer;
  #offset = 0;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  skip(length: number, what: string): Buffer {
    if (this.remaining < length) throw new MalformedHello(`truncated ${what}`);
    const bytes = this.#bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return bytes;
  }

  uint(size: 1 | 2 | 3, what: string): number {
    return this.skip(size, what).readUIntBE(0, size);
  }

  /** A vector with a `lengthSize`-byte length prefix. */
  vector(lengthSize: 1 | 2 | 3, what: string): Buffer {
    return this.skip(this.uint(lengthSize, `${what} length`), what);
  }
}
