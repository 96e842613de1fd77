// Requests another hop could frame differently are refused before routing: 400 with the proxy's
// error code, the connection closed, and nothing sent upstream. Otherwise a backend reading the
// bytes its own way would see a second, smuggled request the proxy never routed or checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, headLines, readUntil } from '../../support/peers.js';
import { startRedirectedSidecar } from '../../support/redirected-sidecar.js';

const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: svc\r\n\r\n';

const CASES: { name: string; request: string }[] = [
  {
    name: 'Content-Length together with Transfer-Encoding: chunked',
    request: `POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
  },
  {
    name: 'two different Content-Length values',
    request: `POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 0\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
  },
  {
    name: 'a Content-Length list',
    request: `POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 0, ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
  },
  {
    name: 'a Transfer-Encoding that does not end in chunked',
    request: `POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n${SMUGGLED}`,
  },
  {
    name: 'an obfuscated Transfer-Encoding name (space before the colon)',
    request: `POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n${SMUGGLED}`,
  },
  { name: 'a NUL byte in a header value', request: 'GET / HTTP/1.1\r\nHost: svc\r\nX-Bad: a\x00b\r\n\r\n' },
  { name: 'a bare CR in a header value', request: 'GET / HTTP/1.1\r\nHost: svc\r\nX-Bad: a\rb\r\n\r\n' },
  { name: 'a space inside a header name', request: 'GET / HTTP/1.1\r\nHost: svc\r\nX Bad: a\r\n\r\n' },
  { name: 'an obsolete line folding', request: 'GET / HTTP/1.1\r\nHost: svc\r\nX-Folded: a\r\n b\r\n\r\n' },
  { name: 'bare LF line endings', request: 'GET / HTTP/1.1\nHost: svc\nX-A: 1\n\n' },
  { name: 'a chunk size that is not hex', request: `POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n0x4\r\nabcd\r\n0\r\n\r\n` },
  { name: 'two Host fields', request: 'GET / HTTP/1.1\r\nHost: svc\r\nHost: other\r\n\r\n' },
];

for (const c of CASES) {
  test(`refused with 400: ${c.name}`, { timeout: 15_000 }, async () => {
    const peers = new Peers();
    try {
      const echo = await peers.echo('echo');
      const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [echo.address] }));
      peers.onClose(() => mesh.close());
      const client = await peers.connect(mesh.port);
      client.write(c.request);
      // The proxy answers and closes: read to the end of the connection.
      const bytes = await readUntil(client, () => false);
      const answer = headLines(bytes);
      assert.equal(answer.status, 400, `answer: ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`);
      assert.equal(answer.headers.find(([n]) => n.toLowerCase() === ERROR_HEADER)?.[1], ProxyErrorCode.BadRequest);
      assert.equal(bytes.toString('latin1').match(/HTTP\/1\.1 /g)?.length, 1, 'more than one response: a smuggled request was served');
      assert.equal(echo.requests, 0, 'the backend saw a request');
    } finally {
      await peers.close();
    }
  });
}

test('a malformed request to a redirected HTTP Service port is refused, not tunnelled as TCP', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    // The test plays iptables' part: the connection was meant for the Service's ClusterIP.
    const proxy = await startRedirectedSidecar(serviceYaml({ name: 'svc', clusterIP: '10.96.0.30', backends: [echo.address] }), { address: '10.96.0.30', port: 80 });
    peers.onClose(() => proxy.close());
    const client = await peers.connect(proxy.port);
    client.write('GET / HTTP/1.1\nHost: svc\n\n');
    const answer = headLines(await readUntil(client, () => false));
    assert.equal(answer.status, 400);
    assert.equal(answer.headers.find(([n]) => n.toLowerCase() === ERROR_HEADER)?.[1], ProxyErrorCode.BadRequest, 'refused by the backend, not the proxy');
    assert.equal(echo.requests, 0, 'the bytes reached the backend');
  } finally {
    await peers.close();
  }
});
