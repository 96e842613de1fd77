// The ClientHello parser reads SNI and ALPN from what a real TLS client sends, waits while the
// hello is incomplete however it is split, and names what is wrong with bytes that are not one.
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import { parseClientHello, readClientHello } from '../../../sidecar/protocol/tls-client-hello.js';
import { listen, Tracker } from './tcp-harness.js';

const tracker = new Tracker();
after(() => tracker.closeAll());

/** The bytes `tls.connect(options)` sends first, read by readClientHello on a plain TCP server. */
async function captureClientHello(options: tls.ConnectionOptions): Promise<Buffer> {
  let captured: (head: Buffer) => void = () => undefined;
  const head = new Promise<Buffer>((resolve) => (captured = resolve));
  const server = tracker.server((socket) => {
    void readClientHello(socket, Buffer.alloc(0), 2000).then((read) => {
      captured(read.head);
    });
  });
  const port = await listen(server);
  const client = tracker.socket(tls.connect({ host: '127.0.0.1', port, ...options }));
  try {
    return await head;
  } finally {
    client.destroy();
  }
}

let helloWithSni: Buffer;
let helloWithoutSni: Buffer;
before(async () => {
  helloWithSni = await captureClientHello({ servername: 'A.Example.com', ALPNProtocols: ['h2', 'http/1.1'] });
  helloWithoutSni = await captureClientHello({});
});

test('SNI (lower-cased) and ALPN come from a real ClientHello', () => {
  assert.deepEqual(parseClientHello(helloWithSni), { complete: true, sni: 'a.example.com', alpn: ['h2', 'http/1.1'] });
});

test('a hello without server_name or ALPN has no sni and an empty alpn list', () => {
  assert.deepEqual(parseClientHello(helloWithoutSni), { complete: true, alpn: [] });
});

test('every proper prefix of the hello is incomplete', () => {
  const recordEnd = 5 + helloWithSni.readUInt16BE(3);
  for (let n = 0; n < recordEnd; n++) assert.deepEqual(parseClientHello(helloWithSni.subarray(0, n)), { complete: false }, `prefix ${n}`);
  assert.equal(parseClientHello(helloWithSni.subarray(0, recordEnd)).complete, true);
});

test('a hello fed one byte per TCP write is read whole from the socket', { timeout: 10_000 }, async () => {
  let read: (result: Awaited<ReturnType<typeof readClientHello>>) => void = () => undefined;
  const result = new Promise<Awaited<ReturnType<typeof readClientHello>>>((resolve) => (read = resolve));
  const server = tracker.server((socket) => {
    socket.setNoDelay(true);
    void readClientHello(socket, Buffer.alloc(0), 8000).then(read);
  });
  const client = await tracker.connect(await listen(server));
  client.setNoDelay(true);
  for (const byte of helloWithSni) {
    client.write(Buffer.from([byte]));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { hello, head } = await result;
  assert.deepEqual(hello, { complete: true, sni: 'a.example.com', alpn: ['h2', 'http/1.1'] });
  assert.deepEqual(head, helloWithSni, 'every byte read is handed back for forwarding');
});

test('a hello cut short by a silent client gives complete: false and the bytes so far', { timeout: 5000 }, async () => {
  let read: (result: Awaited<ReturnType<typeof readClientHello>>) => void = () => undefined;
  const result = new Promise<Awaited<ReturnType<typeof readClientHello>>>((resolve) => (read = resolve));
  const server = tracker.server((socket) => {
    void readClientHello(socket, helloWithSni.subarray(0, 3), 100).then(read);
  });
  const client = await tracker.connect(await listen(server));
  client.write(helloWithSni.subarray(3, 40));
  const { hello, head } = await result;
  assert.deepEqual(hello, { complete: false });
  assert.deepEqual(head, helloWithSni.subarray(0, 40));
});

test('a hello split across two TLS records is reassembled', () => {
  const body = helloWithSni.subarray(5, 5 + helloWithSni.readUInt16BE(3));
  const record = (fragment: Buffer): Buffer => {
    const header = Buffer.from([0x16, 0x03, 0x01, 0, 0]);
    header.writeUInt16BE(fragment.length, 3);
    return Buffer.concat([header, fragment]);
  };
  const split = Buffer.concat([record(body.subarray(0, 2)), record(body.subarray(2, 100)), record(body.subarray(100))]);
  assert.deepEqual(parseClientHello(split.subarray(0, split.length - 1)), { complete: false });
  assert.deepEqual(parseClientHello(split), parseClientHello(helloWithSni));
});

test('bytes that are not a ClientHello give an error, not an exception', () => {
  const errorOf = (head: Buffer): string => {
    const parsed = parseClientHello(head);
    assert.ok(parsed.complete && 'error' in parsed, `expected an error for ${head.toString('hex')}`);
    return parsed.error;
  };
  assert.match(errorOf(Buffer.from('GET / HTTP/1.1\r\n')), /not a TLS handshake record/);
  assert.match(errorOf(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00])), /not a ClientHello/);
  assert.match(errorOf(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x00])), /record length/);
  // A hello longer than its record waits for the next record, which must be a handshake record.
  const firstPart = Buffer.from([0x16, 0x03, 0x03, 0x00, 0x04, 0x01, 0x00, 0x00, 0x40]);
  assert.deepEqual(parseClientHello(firstPart), { complete: false });
  const alert = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
  assert.match(errorOf(Buffer.concat([firstPart, alert])), /interrupted by another record type/);

  // A length inside the hello that runs past its end.
  const corrupt = Buffer.from(helloWithSni);
  const sessionIdLength = 5 + 4 + 2 + 32;
  corrupt[sessionIdLength] = 0xff;
  assert.match(errorOf(corrupt), /malformed ClientHello: truncated/);
});
