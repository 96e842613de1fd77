// classifyHead says what a connection's first bytes are as soon as they allow it, waits while they
// are ambiguous, and never changes its mind when more bytes come.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { classifyHead } from '../../../sidecar/listen/sniff.js';

const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const tlsHead = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

test('the h2c preface is undecided in every piece and h2c once complete', () => {
  for (let n = 1; n < PREFACE.length; n++) assert.equal(classifyHead(bytes(PREFACE.slice(0, n))), 'undecided', `prefix ${n}`);
  assert.equal(classifyHead(bytes(PREFACE)), 'h2c');
  assert.equal(classifyHead(bytes(`${PREFACE}\x00\x00\x12\x04`)), 'h2c');
});

test('a preface contradicted after its request line is not HTTP/1 either', () => {
  assert.equal(classifyHead(bytes('PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n')), 'opaque');
  assert.equal(classifyHead(bytes('PRI * HTTP/1.1\r\n')), 'http1');
});

test('HTTP/1 request lines are http1 once the line is complete', () => {
  for (const line of [
    'GET / HTTP/1.1\r\n',
    'HEAD /index.html?q=1 HTTP/1.0\r\n',
    'POST http://example.com/a HTTP/1.1\r\nHost: example.com\r\n',
    'CONNECT example.com:443 HTTP/1.1\r\n',
    'OPTIONS * HTTP/1.1\r\n',
    'PROPFIND /dav/ HTTP/1.1\r\n',
    'M-SEARCH * HTTP/1.1\r\n',
    'GET /caf\xc3\xa9 HTTP/1.1\r\n',
  ]) {
    assert.equal(classifyHead(bytes(line)), 'http1', line);
    const withoutLf = line.slice(0, line.indexOf('\n'));
    assert.equal(classifyHead(bytes(withoutLf)), 'undecided', JSON.stringify(withoutLf));
  }
});

test('a request-line lookalike is opaque as soon as a byte contradicts it', () => {
  for (const [head, why] of [
    ['get / HTTP/1.1\r\n', 'lower-case method'],
    ['GE / HTTP/1.1\r\n', 'method too short'],
    ['GET  / HTTP/1.1\r\n', 'empty target'],
    ['GET /\r\n', 'HTTP/0.9'],
    ['GET / HTTP/2.0\r\n', 'not HTTP/1'],
    ['GET / HTTP/1.2\r\n', 'unknown minor version'],
    ['GET / HTTP/1.1\n', 'bare LF'],
    ['GET / HTTP/1.1 \r\n', 'trailing space'],
    ['PING\r\n', 'Redis inline command'],
    ['SET key value\r\n', 'Redis inline command with arguments'],
    ['GET foo\r\n', 'Redis GET'],
    ['\x00\x00\x00\x0a', 'binary protocol'],
    ['A'.repeat(21), 'method too long'],
  ] as const) {
    assert.equal(classifyHead(bytes(head)), 'opaque', why);
  }
  assert.equal(classifyHead(bytes('HELO')), 'undecided', 'could still be a method');
  assert.equal(classifyHead(bytes('HELO x')), 'undecided', 'could still be a request line');
  assert.equal(classifyHead(bytes('HELO x\r')), 'opaque');
});

test('a TLS ClientHello record is tls after six bytes', () => {
  for (let n = 1; n < 6; n++) assert.equal(classifyHead(tlsHead.subarray(0, n)), 'undecided', `prefix ${n}`);
  assert.equal(classifyHead(tlsHead.subarray(0, 6)), 'tls');
  assert.equal(classifyHead(tlsHead), 'tls');
});

test('other 0x16-led bytes are opaque', () => {
  assert.equal(classifyHead(Buffer.from([0x16, 0x02])), 'opaque', 'record version 2.x');
  assert.equal(classifyHead(Buffer.from([0x16, 0x03, 0x09])), 'opaque', 'record version 3.9');
  assert.equal(classifyHead(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x00])), 'opaque', 'empty record');
  assert.equal(classifyHead(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x40, 0x02])), 'opaque', 'ServerHello');
});

test('an empty head is undecided', () => {
  assert.equal(classifyHead(Buffer.alloc(0)), 'undecided');
});

test('a verdict never changes as more bytes arrive', () => {
  const starts = ['', PREFACE, 'GET / HTTP/1.1\r\n', 'GET /a', 'PRI * HTTP/2', tlsHead.toString('latin1'), 'HELO '];
  const head = fc.tuple(fc.constantFrom(...starts), fc.uint8Array({ maxLength: 40 })).map(([start, tail]) =>
    Buffer.concat([bytes(start), Buffer.from(tail)]),
  );
  fc.assert(
    fc.property(head, (buffer) => {
      let verdict: ReturnType<typeof classifyHead> = 'undecided';
      for (let n = 0; n <= buffer.length; n++) {
        const next = classifyHead(buffer.subarray(0, n));
        if (verdict !== 'undecided') assert.equal(next, verdict, `prefix ${n} of ${buffer.toString('hex')}`);
        verdict = next;
      }
    }),
  );
});
