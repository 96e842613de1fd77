// Hop-by-hop fields are removed before forwarding (RFC 9110 §7.6.1), including every field the
// Connection header names; `te: trailers` survives (gRPC needs it) while other TE values do not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOP_BY_HOP_HEADERS, stripHopByHop, stripHopByHopObject } from '../../../sidecar/protocol/hop-by-hop.js';

test('the fixed hop-by-hop fields are removed in any case; the rest keeps case, order and repeats', () => {
  const raw = [
    'Host', 'example.com',
    'Connection', 'keep-alive',
    'Keep-Alive', 'timeout=5',
    'X-Tag', 'a',
    'Proxy-Connection', 'keep-alive',
    'TRANSFER-ENCODING', 'chunked',
    'upgrade', 'websocket',
    'HTTP2-Settings', 'AAMAAABkAAQAAP__',
    'x-tag', 'b',
    'Trailer', 'grpc-status',
    'Proxy-Authorization', 'Basic Zm9vOmJhcg==',
    'Content-Length', '0',
  ];
  assert.deepEqual(stripHopByHop(raw), [
    'Host', 'example.com',
    'X-Tag', 'a',
    'x-tag', 'b',
    'Trailer', 'grpc-status',
    'Proxy-Authorization', 'Basic Zm9vOmJhcg==',
    'Content-Length', '0',
  ]);
});

test('fields named in Connection are removed, wherever Connection appears', () => {
  const raw = ['X-Secret', '1', 'Connection', 'close, X-Secret ,x-other', 'x-other', '2', 'X-Kept', '3', 'connection', 'X-Late'];
  assert.deepEqual(stripHopByHop([...raw, 'x-late', '4']), ['X-Kept', '3']);
});

test('Connection cannot remove Host or Content-Length', () => {
  assert.deepEqual(stripHopByHop(['Host', 'a', 'Content-Length', '3', 'Connection', 'host, content-length']), ['Host', 'a', 'Content-Length', '3']);
});

test('te: trailers is kept, other TE values are removed or reduced to trailers', () => {
  assert.deepEqual(stripHopByHop(['te', 'trailers']), ['te', 'trailers']);
  assert.deepEqual(stripHopByHop(['TE', 'gzip']), []);
  assert.deepEqual(stripHopByHop(['TE', 'gzip;q=0.5, Trailers']), ['TE', 'trailers']);
  // HTTP/1.1 clients must list TE in Connection; that does not remove te: trailers.
  assert.deepEqual(stripHopByHop(['TE', 'trailers', 'Connection', 'TE']), ['TE', 'trailers']);
  assert.deepEqual(stripHopByHop(['te', 'gzip', 'te', 'trailers', 'te', 'trailers']), ['te', 'trailers'], 'once');
});

test('an upgrade being forwarded keeps Upgrade and says so in Connection', () => {
  const raw = ['Host', 'h', 'Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'k'];
  assert.deepEqual(stripHopByHop(raw), ['Host', 'h', 'Sec-WebSocket-Key', 'k']);
  assert.deepEqual(stripHopByHop(raw, { keepUpgrade: true }), ['Host', 'h', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'k', 'Connection', 'upgrade']);
});

test('the input is not modified and an odd trailing name is ignored', () => {
  const raw = Object.freeze(['Connection', 'x-a', 'x-a', '1', 'x-b', '2', 'dangling']);
  assert.deepEqual(stripHopByHop(raw), ['x-b', '2']);
  assert.deepEqual(stripHopByHop([]), []);
});

test('header objects (lower-case names, as Node gives them) follow the same rules', () => {
  const out = stripHopByHopObject({
    ':method': 'GET',
    ':path': '/',
    host: 'h',
    connection: 'keep-alive, x-secret',
    'keep-alive': 'timeout=5',
    'x-secret': '1',
    te: 'trailers',
    'transfer-encoding': 'chunked',
    'set-cookie': ['a=1', 'b=2'],
    'x-absent': undefined,
    __proto__: 'p',
  });
  assert.deepEqual({ ...out }, { ':method': 'GET', ':path': '/', host: 'h', te: 'trailers', 'set-cookie': ['a=1', 'b=2'] });
  assert.deepEqual({ ...stripHopByHopObject({ te: ['gzip', 'trailers'] }) }, { te: 'trailers' });
  assert.deepEqual({ ...stripHopByHopObject({ te: 'gzip' }) }, {});
  assert.deepEqual({ ...stripHopByHopObject({ connection: ['upgrade'], upgrade: 'websocket' }, { keepUpgrade: true }) }, { upgrade: 'websocket', connection: 'upgrade' });
  // A header really named __proto__ is data, not a prototype change.
  const proto = stripHopByHopObject(JSON.parse('{"__proto__":"x","a":"1"}') as Record<string, string>);
  assert.equal(Object.getPrototypeOf(proto), null);
  assert.equal(proto.__proto__, 'x');
});

test('the documented set', () => {
  assert.deepEqual([...HOP_BY_HOP_HEADERS].sort(), ['connection', 'http2-settings', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade']);
});
