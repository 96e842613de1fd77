// A TCP listener with a TCPRoute (sectionName postgres) in front of a real PostgreSQL server
// (Debian's package, started by the test), queried with psql through the gateway: the protocol is
// carried byte for byte, server-speaks-first after the startup message, with queries and errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPostgres, type RunningPostgres } from '../../support/postgres.js';
import { conditionsOf, gatewayParent, startSpecGateway, type SpecGateway } from '../../support/spec-gateway.js';

describe('TCP listener in front of PostgreSQL', () => {
  let pg: RunningPostgres;
  let gw: SpecGateway;
  before(async () => {
    pg = await startPostgres();
    gw = await startSpecGateway({
      echoes: ['infra-backend-v1'],
      manifests: `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: db}
spec:
  gatewayClassName: sidelane
  listeners: [{name: postgres, port: 5432, protocol: TCP}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: postgres}
spec:
  parentRefs: [{name: db, sectionName: postgres}]
  rules: [{backendRefs: [{name: postgres, port: 5432}]}]
---
apiVersion: v1
kind: Service
metadata: {name: postgres}
spec:
  clusterIP: 10.96.54.32
  ports: [{name: postgres, port: 5432, targetPort: 5432, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: postgres-1, labels: {kubernetes.io/service-name: postgres}}
addressType: IPv4
endpoints: [{addresses: ["${pg.host}"], conditions: {ready: true}}]
ports: [{name: postgres, port: ${pg.port}, protocol: TCP}]`,
    });
  });
  after(async () => {
    await gw.close();
    await pg.stop();
  });

  test('the TCPRoute is Accepted on the postgres listener', () => {
    const status = gw.statusOf('TCPRoute', 'default', 'postgres');
    const parent = gatewayParent(status, 'db', { sectionName: 'postgres' });
    assert.equal(conditionsOf(parent?.conditions)['Accepted'], 'True/Accepted');
    const listener = gw.statusOf('Gateway', 'default', 'db')?.listeners.find((l) => l.name === 'postgres');
    assert.equal(listener?.attachedRoutes, 1);
  });

  test('psql through the gateway runs queries on the real server', async () => {
    const port = gw.boundPort(5432);
    const create = await pg.psql(['-c', 'create table t (n int); insert into t values (1), (2), (3);'], { port });
    assert.equal(create.code, 0, create.stderr);
    const sum = await pg.psql(['-At', '-c', 'select sum(n) from t'], { port });
    assert.equal(sum.code, 0, sum.stderr);
    assert.equal(sum.stdout.trim(), '6');
    // The server saw the gateway as its client, over TCP (not the unix socket).
    const peer = await pg.psql(['-At', '-c', 'select inet_server_port()'], { port });
    assert.equal(peer.stdout.trim(), String(pg.port));
  });

  test('a server-side error reaches psql as an error, and the next session still works', async () => {
    const port = gw.boundPort(5432);
    const bad = await pg.psql(['-c', 'select * from no_such_table'], { port });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /no_such_table/);
    const ok = await pg.psql(['-At', '-c', 'select 40 + 2'], { port });
    assert.equal(ok.stdout.trim(), '42');
  });
});
