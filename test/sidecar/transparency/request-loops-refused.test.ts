// A request addressed to the proxy's own listener would come back to it forever (each hop making
// another connection to itself). The proxy refuses it at once with 508 and its error code, and a
// redirected connection whose original destination is the listener itself is not proxied to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http2 from 'node:http2';
import { once } from 'node:events';
import { ERROR_HEADER, ProxyErrorCode } from '../../../sidecar/errors.js';
import { request, startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, headComplete, headLines, readUntil, within } from '../../support/peers.js';
import { startRedirectedSidecar } from '../../support/redirected-sidecar.js';

const UNRELATED = serviceYaml({ name: 'unrelated', backends: [{ host: '127.0.0.1', port: 9 }] });

for (const host of ['127.0.0.1', 'localhost']) {
  test(`HTTP/1.1 with Host ${host}:<the proxy's port> is refused with 508`, { timeout: 15_000 }, async () => {
    const peers = new Peers();
    try {
      const mesh = await startTestMesh(UNRELATED);
      peers.onClose(() => mesh.close());
      const answer = await within(request(mesh.port, `${host}:${mesh.port}`, '/'), 5000, 'answer');
      assert.equal(answer.status, 508);
      assert.equal(answer.headers[ERROR_HEADER], ProxyErrorCode.RequestLoop);
    } finally {
      await peers.close();
    }
  });
}

test('a Service whose endpoint is the proxy itself is refused with 508, not looped', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const mesh = await startTestMesh(UNRELATED);
    peers.onClose(() => mesh.close());
    // The endpoint can name the listener only once its port is known.
    await mesh.update(serviceYaml({ name: 'loop', backends: [{ host: '127.0.0.1', port: mesh.port }] }));
    const answer = await within(request(mesh.port, 'loop', '/'), 5000, 'answer');
    assert.equal(answer.status, 508);
    assert.equal(answer.headers[ERROR_HEADER], ProxyErrorCode.RequestLoop);
  } finally {
    await peers.close();
  }
});

test('h2c with :authority of the proxy itself is refused with 508', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const mesh = await startTestMesh(UNRELATED);
    peers.onClose(() => mesh.close());
    const session = peers.h2c(mesh.port);
    const stream = session.request({ ':path': '/', ':authority': `127.0.0.1:${mesh.port}` });
    stream.end();
    stream.resume();
    const [headers] = (await within(once(stream, 'response'), 5000, 'response')) as [http2.IncomingHttpHeaders];
    assert.equal(headers[':status'], 508);
    assert.equal(headers[ERROR_HEADER], ProxyErrorCode.RequestLoop);
  } finally {
    await peers.close();
  }
});

test('a connection whose original destination is the listener itself, asking for the listener, is refused with 508', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const proxy = await startRedirectedSidecar(UNRELATED, undefined);
    peers.onClose(() => proxy.close());
    proxy.setOrigDst({ address: '127.0.0.1', port: proxy.port });
    const client = await peers.connect(proxy.port);
    client.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`);
    const answer = headLines(await readUntil(client, (b) => headComplete(b)));
    assert.equal(answer.status, 508);
    assert.equal(answer.headers.find(([n]) => n.toLowerCase() === ERROR_HEADER)?.[1], ProxyErrorCode.RequestLoop);
  } finally {
    await peers.close();
  }
});

test('an opaque connection whose original destination is the listener itself is refused, not looped', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const proxy = await startRedirectedSidecar(UNRELATED, undefined);
    peers.onClose(() => proxy.close());
    proxy.setOrigDst({ address: '127.0.0.1', port: proxy.port });
    const client = await peers.connect(proxy.port);
    client.write(Buffer.from([0, 1, 2, 3]));
    // Resolves when the proxy ends the connection; a loop would keep it open (and open many more).
    // Treated as not redirected, the bytes can only be HTTP: the parser refuses them.
    const answer = headLines(await readUntil(client, () => false, 5000));
    assert.equal(answer.status, 400);
    const opened = await proxy.sidecar.metrics.registry.getSingleMetricAsString('sidelane_tcp_connections_opened_total');
    assert.doesNotMatch(opened, /passthrough/, 'the proxy connected to itself');
  } finally {
    await peers.close();
  }
});
