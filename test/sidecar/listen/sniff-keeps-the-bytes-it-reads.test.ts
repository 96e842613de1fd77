// sniffProtocol on real sockets: it decides from what the client sends, hands back every byte it
// read, leaves the rest in the paused socket, and gives 'opaque' for silence, an early end or
// bytes that stall before a decision.
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import type net from 'node:net';
import tls from 'node:tls';
import { after, test } from 'node:test';
import { sniffProtocol, type SniffOptions, type SniffResult } from '../../../sidecar/listen/sniff.js';
import { listen, Tracker } from '../protocol/tcp-harness.js';

const tracker = new Tracker();
after(() => tracker.closeAll());

/** A server that sniffs its first connection; the test gets the result and the socket. */
async function sniffingServer(options: SniffOptions): Promise<{ port: number; sniffed: Promise<{ result: SniffResult; socket: net.Socket; ms: number }> }> {
  let done: (value: { result: SniffResult; socket: net.Socket; ms: number }) => void = () => undefined;
  const sniffed = new Promise<{ result: SniffResult; socket: net.Socket; ms: number }>((resolve) => (done = resolve));
  const server = tracker.server((socket) => {
    const start = performance.now();
    void sniffProtocol(socket, options).then((result) => {
      done({ result, socket, ms: performance.now() - start });
    });
  });
  return { port: await listen(server), sniffed };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('an HTTP/1 request is http1; bytes after the head stay in the socket', { timeout: 5000 }, async () => {
  const { port, sniffed } = await sniffingServer({ timeoutMs: 1000 });
  const client = await tracker.connect(port);
  client.write('GET /a HTTP/1.1\r\n');
  const { result, socket } = await sniffed;
  assert.equal(result.protocol, 'http1');
  assert.equal(result.head.toString(), 'GET /a HTTP/1.1\r\n');
  assert.equal(socket.isPaused(), true);
  client.end('Host: a\r\n\r\n');
  const rest: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => rest.push(chunk)).resume();
  await new Promise((resolve) => socket.once('end', resolve));
  assert.equal(Buffer.concat(rest).toString(), 'Host: a\r\n\r\n');
});

test('after unshift(head), an http.Server given the socket (then resumed) serves the request', { timeout: 5000 }, async () => {
  const app = http.createServer((req, res) => {
    res.end(`${req.method ?? ''} ${req.url ?? ''} ${req.headers.host ?? ''}`);
  });
  const server = tracker.server((socket) => {
    void sniffProtocol(socket, { timeoutMs: 1000 }).then(({ protocol, head }) => {
      assert.equal(protocol, 'http1');
      socket.unshift(head);
      app.emit('connection', socket);
      // The http server reads new bytes straight from the handle; the paused JS buffer (head) is
      // only delivered once the socket flows again.
      socket.resume();
    });
  });
  const port = await listen(server);
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/hello?x=1', headers: { host: 'svc' }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => {
        resolve(text);
      });
    });
    req.on('error', reject);
  });
  assert.equal(body, 'GET /hello?x=1 svc');
  app.close();
});

test('after unshift(head), an http2 server given the socket serves an h2c request', { timeout: 5000 }, async () => {
  const app = http2.createServer((req, res) => {
    res.end(`h2 ${req.url}`);
  });
  const server = tracker.server((socket) => {
    void sniffProtocol(socket, { timeoutMs: 1000 }).then(({ protocol, head }) => {
      assert.equal(protocol, 'h2c');
      socket.unshift(head);
      // No resume: the http2 session drains the socket's buffer itself.
      app.emit('connection', socket);
    });
  });
  const port = await listen(server);
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    const body = await new Promise<string>((resolve, reject) => {
      let text = '';
      const req = session.request({ ':path': '/h2' });
      req.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => {
        resolve(text);
      });
      req.on('error', reject);
    });
    assert.equal(body, 'h2 /h2');
  } finally {
    session.destroy();
    app.close();
  }
});

test('the h2c preface arriving in pieces is h2c', { timeout: 5000 }, async () => {
  const { port, sniffed } = await sniffingServer({ timeoutMs: 1000 });
  const client = await tracker.connect(port);
  client.setNoDelay(true);
  client.write('PRI * HTTP');
  await pause(30);
  client.write('/2.0\r\n\r\nSM\r');
  await pause(30);
  client.write('\n\r\n');
  const { result } = await sniffed;
  assert.equal(result.protocol, 'h2c');
  assert.equal(result.head.toString(), 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
});

test('a TLS client is tls', { timeout: 5000 }, async () => {
  const { port, sniffed } = await sniffingServer({ timeoutMs: 1000 });
  tracker.socket(tls.connect({ host: '127.0.0.1', port, servername: 'a.example.com' }));
  const { result } = await sniffed;
  assert.equal(result.protocol, 'tls');
  assert.equal(result.head[0], 0x16);
});

test('a silent client is opaque with an empty head once the first-byte timeout passes', { timeout: 5000 }, async () => {
  const { port, sniffed } = await sniffingServer({ timeoutMs: 50 });
  await tracker.connect(port);
  const { result, ms } = await sniffed;
  assert.deepEqual(result, { protocol: 'opaque', head: Buffer.alloc(0) });
  assert.ok(ms >= 45 && ms < 1000, `decided after ${ms} ms`);
});

test('a client that ends before sending anything is opaque at once', { timeout: 5000 }, async () => {
  const { port, sniffed } = await sniffingServer({ timeoutMs: 3000 });
  const client = await tracker.connect(port);
  client.end();
  const { result, socket, ms } = await sniffed;
  assert.deepEqual(result, { protocol: 'opaque', head: Buffer.alloc(0) });
  assert.ok(ms < 1000, `decided after ${ms} ms`);
  assert.equal(socket.readableEnded, true, 'the end was consumed: the caller must look at readableEnded');
});

test('bytes that are no known protocol are opaque without waiting', { timeout: 5000 }, async () => {
  const { port, sniffed } = await sniffingServer({ timeoutMs: 3000, decideTimeoutMs: 3000 });
  const client = await tracker.connect(port);
  client.write('*1\r\n$4\r\nPING\r\n');
  const { result, ms } = await sniffed;
  assert.equal(result.protocol, 'opaque');
  assert.equal(result.head.toString(), '*1\r\n$4\r\nPING\r\n');
  assert.ok(ms < 1000, `decided after ${ms} ms`);
});

test('a request-line lookalike that stalls is opaque after decideTimeoutMs, bytes kept', { timeout: 5000 }, async () => {
  const { port, sniffed } = await sniffingServer({ timeoutMs: 50, decideTimeoutMs: 150 });
  const client = await tracker.connect(port);
  client.write('GET /x');
  const { result, ms } = await sniffed;
  assert.deepEqual(result, { protocol: 'opaque', head: Buffer.from('GET /x') });
  assert.ok(ms >= 140, `decided after ${ms} ms`);
});

test('maxBytes bounds the head of an undecided stream', { timeout: 5000 }, async () => {
  const { port, sniffed } = await sniffingServer({ timeoutMs: 1000, maxBytes: 64 });
  const client = await tracker.connect(port);
  client.write(`GET /${'a'.repeat(200)}`);
  const { result } = await sniffed;
  assert.equal(result.protocol, 'opaque');
  assert.ok(result.head.length >= 64);
});

test('a reset during sniffing resolves opaque instead of throwing', { timeout: 5000 }, async () => {
  const { port, sniffed } = await sniffingServer({ timeoutMs: 3000 });
  const client = await tracker.connect(port);
  client.write('GE');
  await pause(20);
  client.resetAndDestroy();
  const { result } = await sniffed;
  assert.equal(result.protocol, 'opaque');
  assert.equal(result.head.toString(), 'GE');
});
