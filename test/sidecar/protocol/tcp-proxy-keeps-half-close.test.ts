// A half-close crosses the proxy in both directions: the client's FIN becomes the upstream's FIN
// while the response keeps flowing, and an upstream that finishes first still hears the client.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { listen, readToEnd, startProxy, Tracker } from './tcp-harness.js';

const tracker = new Tracker();
after(() => tracker.closeAll());

test('the client ends its side; the upstream answers after the end and the client gets it all', { timeout: 5000 }, async () => {
  // Answers only once the request is complete, i.e. on the FIN: `sort`-style protocols.
  const upstream = tracker.server((socket) => {
    void readToEnd(socket).then((request) => {
      socket.write('got: ');
      socket.end(request.toString().toUpperCase());
    });
  });
  const proxy = await startProxy(tracker, await listen(upstream));
  const client = await tracker.connect(proxy.port);
  const run = proxy.next();
  const response = readToEnd(client);
  client.write('hello ');
  client.end('world');
  assert.equal((await response).toString(), 'got: HELLO WORLD');
  const stats = await run.stats;
  assert.equal(stats.error, undefined);
  assert.equal(stats.connected, true);
  assert.equal(stats.bytesSent, 'hello world'.length);
  assert.equal(stats.bytesReceived, 'got: HELLO WORLD'.length);
});

test('the upstream ends first; the client keeps sending and the upstream receives it', { timeout: 5000 }, async () => {
  let received: (bytes: Buffer) => void = () => undefined;
  const upstreamGot = new Promise<Buffer>((resolve) => (received = resolve));
  const upstream = tracker.server((socket) => {
    socket.end('all I have to say');
    void readToEnd(socket).then(received);
  });
  const proxy = await startProxy(tracker, await listen(upstream));
  const client = await tracker.connect(proxy.port);
  const run = proxy.next();
  assert.equal((await readToEnd(client)).toString(), 'all I have to say');
  assert.equal(client.writable, true, 'the client can still write after the upstream half-closed');
  client.write('late ');
  client.end('words');
  assert.equal((await upstreamGot).toString(), 'late words');
  const stats = await run.stats;
  assert.equal(stats.error, undefined);
  assert.equal(stats.bytesSent, 'late words'.length);
});

test('a FIN that arrived while sniffing is still forwarded, after the head', { timeout: 5000 }, async () => {
  const upstream = tracker.server((socket) => {
    void readToEnd(socket).then((request) => socket.end(`echo ${request.toString()}`));
  });
  const proxy = await startProxy(tracker, await listen(upstream), { sniffMs: 1000 });
  const client = await tracker.connect(proxy.port);
  const run = proxy.next();
  const response = readToEnd(client);
  // Could still become a request line, so the sniffer is still reading when the FIN comes.
  client.end('GET /x');
  assert.deepEqual(await run.sniffed, { protocol: 'opaque', head: Buffer.from('GET /x') });
  assert.equal((await response).toString(), 'echo GET /x');
  assert.equal((await run.stats).error, undefined);
});
