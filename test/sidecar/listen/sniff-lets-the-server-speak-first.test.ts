// Server-speaks-first protocols (SMTP, MySQL) through a sniffing proxy: the client sends nothing
// until it is greeted, so the sniffer must give up quickly and let the greeting through.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { listen, startProxy, Tracker } from '../protocol/tcp-harness.js';

const tracker = new Tracker();
after(() => tracker.closeAll());

test('an SMTP greeting reaches a silent client through sniff + proxyTcp, quickly', { timeout: 5000 }, async () => {
  const smtp = tracker.server((socket) => {
    socket.write('220 mail.example.com ESMTP ready\r\n');
    socket.on('data', (line: Buffer) => {
      socket.write(`250 you said ${line.toString().trim()}\r\n`);
    });
    socket.on('end', () => socket.end('221 bye\r\n'));
  });
  const proxy = await startProxy(tracker, await listen(smtp), { sniffMs: 50 });

  const start = performance.now();
  const client = await tracker.connect(proxy.port);
  const run = proxy.next();
  const lines: string[] = [];
  const nextLine = (): Promise<string> =>
    new Promise((resolve) => {
      client.once('data', (chunk: Buffer) => {
        lines.push(chunk.toString());
        resolve(chunk.toString());
      });
    });

  assert.equal(await nextLine(), '220 mail.example.com ESMTP ready\r\n');
  const greetedAfter = performance.now() - start;
  assert.ok(greetedAfter < 1000, `greeting took ${greetedAfter} ms`);
  assert.deepEqual(await run.sniffed, { protocol: 'opaque', head: Buffer.alloc(0) });

  const reply = nextLine();
  client.write('EHLO client.example.com\r\n');
  assert.equal(await reply, '250 you said EHLO client.example.com\r\n');

  const bye = nextLine();
  client.end();
  assert.equal(await bye, '221 bye\r\n');
  const stats = await run.stats;
  assert.equal(stats.error, undefined);
  assert.equal(stats.bytesReceived, lines.join('').length);
});
