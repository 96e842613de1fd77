// `--listen` takes host:port, :port, [ipv6]:port and a bare port; anything else is refused
// with a message naming the accepted forms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpUrl, parseListenAddress } from '../../src/echo/index.js';

test('the four accepted forms', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0 });
  assert.deepEqual(parseListenAddress(':9090'), { host: undefined, port: 9090 });
  assert.deepEqual(parseListenAddress('[::1]:8443'), { host: '::1', port: 8443 });
  assert.deepEqual(parseListenAddress('7000'), { host: undefined, port: 7000 });
});

test('bad addresses are refused', () => {
  for (const bad of ['', 'host', 'host:', 'host:99999', '::1:80', '[::1]', 'a:b', ':-1']) {
    assert.throws(() => parseListenAddress(bad), RangeError, bad);
  }
});

test('IPv6 hosts are bracketed in URLs', () => {
  assert.equal(httpUrl('::1', 80), 'http://[::1]:80');
  assert.equal(httpUrl('10.0.0.1', 80), 'http://10.0.0.1:80');
});
