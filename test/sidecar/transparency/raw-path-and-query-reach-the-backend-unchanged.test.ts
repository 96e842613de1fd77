// Without a filter that rewrites, the request target reaches the backend byte for byte: percent-
// encoding (even of dots and slashes), `..` segments, empty segments, `+` and odd query syntax are
// the application's to interpret, and a proxy that "normalises" them changes what it asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EchoReply } from '../../support/mesh.js';
import { startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, headLines, readUntil, within } from '../../support/peers.js';

const TARGETS = [
  '/a/%2e%2e/b?x=%20',
  '/a/../b/./c',
  '//double//slash/',
  '/caf%C3%A9/%2F%2f?q=a+b&q=c%26d&&=&flag',
  '/semi;p=1/x?',
  '/%7Euser/%252e?x=%zz',
  '/*?a[]=1&a[]=2',
];

const ROUTE = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: plain, namespace: default}
spec:
  parentRefs: [{group: "", kind: Service, name: svc, port: 80}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /}}]
    backendRefs: [{name: svc, port: 80}]
`;

for (const routed of [false, true]) {
  test(`HTTP/1.1 targets arrive unchanged (${routed ? 'HTTPRoute without filters' : 'Service without routes'})`, { timeout: 15_000 }, async () => {
    const peers = new Peers();
    try {
      const echo = await peers.echo('echo');
      const manifests = serviceYaml({ name: 'svc', backends: [echo.address] }) + (routed ? `\n---${ROUTE}` : '');
      const mesh = await startTestMesh(manifests);
      peers.onClose(() => mesh.close());
      for (const target of TARGETS) {
        const client = await peers.connect(mesh.port);
        client.write(`GET ${target} HTTP/1.1\r\nHost: svc\r\nConnection: close\r\n\r\n`);
        const answer = headLines(await readUntil(client, () => false));
        assert.equal(answer.status, 200, `${target}: ${answer.rest.toString()}`);
        assert.equal((JSON.parse(answer.rest.toString()) as EchoReply).path, target);
        client.destroy();
      }
    } finally {
      await peers.close();
    }
  });
}

test('h2c :path values arrive unchanged', { timeout: 15_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', portName: 'h2c', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    const session = peers.h2c(mesh.port);
    for (const target of TARGETS) {
      const stream = session.request({ ':path': target, ':authority': 'svc' });
      stream.end();
      const body = await within(
        new Promise<string>((resolve, reject) => {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => { resolve(Buffer.concat(chunks).toString()); });
          stream.on('error', reject);
        }),
        5000,
        target,
      );
      assert.equal((JSON.parse(body) as EchoReply).path, target);
    }
  } finally {
    await peers.close();
  }
});

test('a target matched in its normalised form is still forwarded as sent', { timeout: 15_000 }, async () => {
  // Matching normalises a copy of the path (%7E → ~); the forwarded target stays the client's.
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(
      serviceYaml({ name: 'svc', backends: [echo.address] }) +
        '\n---' +
        ROUTE.replace('value: /}', 'value: /~user}').replace('name: plain', 'name: tilde'),
    );
    peers.onClose(() => mesh.close());
    const client = await peers.connect(mesh.port);
    client.write('GET /%7Euser/x HTTP/1.1\r\nHost: svc\r\nConnection: close\r\n\r\n');
    const answer = headLines(await readUntil(client, () => false));
    assert.equal(answer.status, 200, answer.rest.toString());
    assert.equal((JSON.parse(answer.rest.toString()) as EchoReply).path, '/%7Euser/x');
  } finally {
    await peers.close();
  }
});
