// The request a user types for `sidelane explain` reads like curl: optional method, a URL with or
// without scheme, `-H name:value` or `-H 'name: value'`, `-X METHOD`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRequest } from '../../src/cli/explain-request.js';

test('method, URL and headers in one quoted string', () => {
  assert.deepEqual(parseRequest("GET http://reviews.bookinfo:9080/api?x=1 -H version:v2 -H 'end-user: jason'"), {
    method: 'GET',
    scheme: 'http',
    host: 'reviews.bookinfo',
    port: 9080,
    portGiven: true,
    target: '/api?x=1',
    headers: [['host', 'reviews.bookinfo:9080'], ['version', 'v2'], ['end-user', 'jason']],
  });
});

test('words the shell already split are taken as they are', () => {
  const r = parseRequest(['POST', 'reviews:9080/api', '-H', 'x-a: 1 2', '--header=x-b:3', '-Hx-c:4']);
  assert.equal(r.method, 'POST');
  assert.deepEqual(r.headers.slice(1), [['x-a', '1 2'], ['x-b', '3'], ['x-c', '4']]);
});

test('method defaults to GET; -X sets it; lower-case standard methods are upper-cased', () => {
  assert.equal(parseRequest('http://a/').method, 'GET');
  assert.equal(parseRequest('http://a/ -X DELETE').method, 'DELETE');
  assert.equal(parseRequest('post http://a/').method, 'POST');
});

test('ports default by scheme; the port is remembered as not given', () => {
  const http = parseRequest('http://reviews/');
  assert.equal(http.port, 80);
  assert.equal(http.portGiven, false);
  assert.equal(parseRequest('https://reviews/').port, 443);
  assert.equal(parseRequest('reviews').port, 80);
});

test('a bare host:port/path without scheme is http, and the path defaults to "/"', () => {
  const r = parseRequest('reviews.bookinfo:9080');
  assert.equal(r.scheme, 'http');
  assert.equal(r.target, '/');
  assert.equal(parseRequest('reviews?x=1').target, '/?x=1');
});

test('the path is kept as written, for the matcher to normalize visibly', () => {
  assert.equal(parseRequest('http://a/x/../%7Ey').target, '/x/../%7Ey');
});

test('IP literals, including bracketed IPv6', () => {
  assert.equal(parseRequest('http://10.96.0.10:9080/').host, '10.96.0.10');
  const v6 = parseRequest('http://[FD00::A]:8080/');
  assert.equal(v6.host, 'fd00::a');
  assert.deepEqual(v6.headers[0], ['host', '[fd00::a]:8080']);
});

test('a host header given by the user replaces the implied one', () => {
  assert.deepEqual(parseRequest('http://a/ -H Host:b.example').headers, [['Host', 'b.example']]);
});

test('double quotes allow escaped quotes; a backslash escapes a space outside quotes', () => {
  const r = parseRequest('http://a/ -H "x-say: \\"hi\\" there" -H x-path:a\\ b');
  assert.deepEqual(r.headers.slice(1), [['x-say', '"hi" there'], ['x-path', 'a b']]);
});
