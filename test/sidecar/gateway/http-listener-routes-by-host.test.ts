// An HTTP listener port shared by two listeners: the Host picks the listener (exact name before
// `*`), then the first of its hosts whose pattern covers the Host and whose table has a matching
// rule. HTTP/1.1 and h2c (prior knowledge) both work; nothing matching is a 404 with the stable
// code; a redirect keeps the listener port as the Gateway declares it, not the port bound locally.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, test } from 'node:test';
import type { GatewayProxy } from '../../../sidecar/gateway/gateway.js';
import {
  applyAndSettle,
  boundPort,
  Closer,
  echo,
  freePort,
  gatewayClass,
  httpListener,
  meshIR,
  request,
  routeTo,
  startGateway,
  vhost,
} from './gateway-harness.js';

const LISTENER_PORT = 8080;
const closer = new Closer();
after(() => closer.closeAll());

let proxy: GatewayProxy;
let port = 0;

before(async () => {
  const alpha = await echo(closer, 'alpha');
  const beta = await echo(closer, 'beta');
  const free = await freePort();
  proxy = await startGateway(closer, { portOffset: free - LISTENER_PORT });
  const ir = meshIR(
    [
      { name: 'alpha', port: 80, endpointPort: alpha.address.port },
      { name: 'beta', port: 80, endpointPort: beta.address.port },
    ],
    gatewayClass([
      {
        port: LISTENER_PORT,
        kind: 'http',
        listeners: [
          httpListener('exact', 'x.example.com', [vhost('x.example.com', routeTo('x', 'beta', 80))]),
          httpListener('any', '*', [
            vhost('b.example.com', routeTo('b-api', 'beta', 80, { path: '/api' })),
            vhost('moved.test', routeTo('moved', 'alpha', 80, { filters: [{ type: 'RequestRedirect', path: { type: 'ReplaceFullPath', value: '/new' }, statusCode: 302 }] })),
            vhost('*.example.com', routeTo('wild', 'alpha', 80)),
          ]),
        ],
      },
    ]),
  );
  await applyAndSettle(proxy, ir, 'v1');
  port = boundPort(proxy, LISTENER_PORT);
  assert.equal(port, free, 'the listener port plus the offset');
});

test('the Host picks the backend: an exact listener, then hosts in order with a matching rule', { timeout: 10_000 }, async () => {
  assert.equal((await request(port, { host: 'x.example.com' })).echo?.name, 'beta');
  assert.equal((await request(port, { host: `b.example.com:${String(LISTENER_PORT)}`, path: '/api/v1' })).echo?.name, 'beta');
  // b.example.com's own table has no rule for /other: the wildcard host takes it.
  assert.equal((await request(port, { host: 'b.example.com', path: '/other' })).echo?.name, 'alpha');
  assert.equal((await request(port, { host: 'C.Example.COM.' })).echo?.name, 'alpha');
});

test('a Host no listener host covers is a 404 with SIDELANE_ERR_NO_ROUTE', { timeout: 10_000 }, async () => {
  const answer = await request(port, { host: 'other.test' });
  assert.equal(answer.status, 404);
  assert.equal(answer.headers['x-sidelane-error'], 'SIDELANE_ERR_NO_ROUTE');
});

test('a redirect keeps the scheme and the Gateway listener port', { timeout: 10_000 }, async () => {
  const answer = await request(port, { host: 'moved.test', path: '/old?q=1' });
  assert.equal(answer.status, 302);
  assert.equal(answer.headers.location, `http://moved.test:${String(LISTENER_PORT)}/new?q=1`);
});

test('h2c with prior knowledge is served on the plain HTTP listener', { timeout: 10_000 }, async () => {
  const session = http2.connect(`http://127.0.0.1:${String(port)}`);
  session.on('error', () => undefined);
  try {
    const ask = (authority: string, path: string): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const stream = session.request({ ':authority': authority, ':path': path });
        let status = 0;
        let body = '';
        stream.on('response', (headers) => (status = Number(headers[':status'])));
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (body += chunk));
        stream.on('end', () => {
          resolve({ status, body });
        });
        stream.on('error', reject);
      });
    const beta = await ask('b.example.com', '/api');
    assert.equal(beta.status, 200);
    assert.equal((JSON.parse(beta.body) as { name: string }).name, 'beta');
    const alpha = await ask('a.example.com', '/');
    assert.equal((JSON.parse(alpha.body) as { name: string }).name, 'alpha');
  } finally {
    session.close();
  }
});
