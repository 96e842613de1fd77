// A delta the proxy cannot apply (a config validate() refuses, a body that is not JSON, a name it
// does not know) is NACKed with the reason and the version it still runs; the last good config
// keeps serving, the client never throws, and the config server counts the NACK.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { configSyncService, type ProxyMessage, type ServerMessageInput } from '../../../src/configsync/proto.js';
import { bodyVersion, encodeBody } from '../../../src/configsync/resources.js';
import type { EchoServer } from '../../../src/echo/index.js';
import type { MeshIR } from '../../../src/ir/index.js';
import { ConfigClient } from '../../../sidecar/configsync/client.js';
import { createLogger } from '../../../sidecar/observe/log.js';
import type { ApplyResult } from '../../../sidecar/proxy.js';
import { echoBackends, request, serviceYaml, startEchoes } from '../../support/mesh.js';
import { eventually, startOnDemandMesh, translateManifests } from './on-demand-harness.js';

const log = createLogger({ level: 'silent' });

test('a config the proxy refuses is NACKed, counted by the server, and the last good config keeps routing', { timeout: 20_000 }, async () => {
  const echoes = await startEchoes('echo-a');
  const manifests = serviceYaml({ name: 'echo-a', backends: echoBackends(...(echoes as [EchoServer])) });
  const mesh = await startOnDemandMesh(manifests);
  try {
    assert.equal((await request(mesh.port, 'echo-a', '/')).json?.name, 'echo-a');
    const good = mesh.sidecar.version;
    // The translator never makes this (a port twice); a server bug or a newer IR could.
    const { ir } = await translateManifests(manifests);
    const broken: MeshIR = { ...ir, services: ir.services.map((s) => ({ ...s, ports: [...s.ports, ...s.ports] })) };
    mesh.server.publish({ ir: broken, version: 'broken-1' });
    await eventually(async () => (await counter(mesh.server.registry, 'sidelane_configsync_nacks_total')) === 1, 5000, 'the NACK to be counted');
    assert.equal(mesh.sidecar.version, good);
    assert.equal((await request(mesh.port, 'echo-a', '/')).json?.name, 'echo-a');
  } finally {
    await mesh.close();
    await Promise.all(echoes.map((e) => e.close()));
  }
});

test('unreadable deltas are NACKed with the version still running; a good one after them is ACKed', { timeout: 20_000 }, async () => {
  const service = (name: string): object => ({ ref: { namespace: 'default', name }, type: 'ClusterIP', headless: false, clusterIPs: [], hostnames: [], ports: [] });
  const resource = (name: string, body: Buffer): { name: string; version: string; body: Buffer } => ({ name, version: bodyVersion(body), body });
  const deltas: ServerMessageInput[] = [
    { delta: { nonce: 'n1', version: 'v1', clusterDomain: 'cluster.local' } },
    { delta: { nonce: 'n2', version: 'v2', clusterDomain: 'cluster.local', resources: [resource('service/default/a', Buffer.from('{not json'))] } },
    { delta: { nonce: 'n3', version: 'v3', clusterDomain: 'cluster.local', resources: [resource('gadget/x', encodeBody({}))] } },
    { delta: { nonce: 'n4', version: 'v4', clusterDomain: 'cluster.local', resources: [resource('service/default/b', encodeBody(service('b')))] } },
    { delta: { nonce: 'n5', version: 'v5', clusterDomain: 'cluster.local', resources: [resource('endpoints/default/a', encodeBody({ service: { namespace: 'default', name: 'zzz' }, ports: [] }))] } },
    { delta: { nonce: 'n6', version: 'v6', clusterDomain: 'cluster.local', resources: [resource('service/default/a', encodeBody(service('a')))] } },
  ];
  const answers: ProxyMessage[] = [];
  const server = new grpc.Server();
  server.addService(configSyncService(), {
    Stream: (call: grpc.ServerDuplexStream<ProxyMessage, ServerMessageInput>) => {
      call.on('data', (message: ProxyMessage) => {
        answers.push(message);
        // One delta at a time, each after the previous answer (as the real server does).
        const next = deltas[answers.length - 1];
        if (next) call.write(next);
      });
      call.on('error', () => undefined);
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err) reject(err);
      else resolve(bound);
    });
  });
  const applied: string[] = [];
  const client = new ConfigClient({
    targets: [`127.0.0.1:${port}`],
    identity: { pod: 'p', namespace: 'default', serviceAccount: 'default', node: 'n', podIps: [], kind: 'sidecar' },
    apply: (ir: MeshIR, version: string): ApplyResult => {
      applied.push(`${version}:${ir.services.map((s) => s.ref.name).join(',')}`);
      return { applied: true, version };
    },
    log,
  });
  try {
    client.start();
    await eventually(() => answers.length === deltas.length + 1, 5000, 'an answer to every delta');
    const [hello, ...rest] = answers;
    assert.equal(hello?.message, 'hello');
    assert.deepEqual(
      rest.map((m) => (m.message === 'ack' ? `ack ${m.ack.nonce} ${m.ack.version}` : m.message === 'nack' ? `nack ${m.nack.nonce} ${m.nack.version}` : m.message)),
      ['ack n1 v1', 'nack n2 v1', 'nack n3 v1', 'ack n4 v4', 'nack n5 v4', 'ack n6 v6'],
    );
    const reasons = rest.flatMap((m) => (m.message === 'nack' ? [m.nack.reason] : []));
    assert.match(reasons[0] ?? '', /not JSON/);
    assert.match(reasons[1] ?? '', /unknown resource name/);
    assert.match(reasons[2] ?? '', /body is for default\/zzz/);
    // Refused deltas never reached apply; the next good one builds on the last good store.
    assert.deepEqual(applied, ['v1:', 'v4:b', 'v6:a,b']);
    assert.equal(client.version, 'v6');
  } finally {
    await client.close();
    server.forceShutdown();
  }
});

async function counter(registry: { getSingleMetric(name: string): { get(): Promise<{ values: { value: number }[] }> } | undefined }, name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  return metric ? (await metric.get()).values.reduce((sum, v) => sum + v.value, 0) : 0;
}
