// Requests that cannot be read fail with a RequestSyntaxError saying what is wrong (the command
// turns it into exit code 2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRequest, RequestSyntaxError } from '../../src/cli/explain-request.js';

const rejects = (input: string, message: RegExp): void => {
  assert.throws(() => parseRequest(input), (err: unknown) => err instanceof RequestSyntaxError && message.test(err.message));
};

test('unreadable requests are refused with a reason', () => {
  rejects('', /no URL given/);
  rejects('ftp://a/', /unsupported scheme "ftp"/);
  rejects('http://a:0/', /port "0" is not a number from 1 to 65535/);
  rejects('http://a:99999/', /port/);
  rejects('http://a:http/', /port/);
  rejects('http:///path', /no host/);
  rejects('http://a/ -H novalue', /not name:value/);
  rejects('http://a/ -H', /-H needs a value/);
  rejects('http://a/ -H "bad name:1"', /not a valid HTTP field name/);
  rejects('GET http://a/ extra', /expected \[METHOD\] URL/);
  rejects('http://a/ --data x', /unknown option --data/);
  rejects("http://a/ -H 'x:1", /unterminated '/);
  rejects('http://user@a/', /user info/);
  rejects('http://a_b/', /not a host name/);
  rejects('GET http://a/ -X POST', /two methods/);
});
