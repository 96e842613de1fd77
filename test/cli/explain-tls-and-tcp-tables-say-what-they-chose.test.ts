// For TLS tables explain names the rule the SNI chose and why; for TCP tables, the one rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainRequest, formatExplain } from '../../src/cli/explain.js';
import { parseRequest } from '../../src/cli/explain-request.js';
import type { MeshIR, RouteRef, RouteTable, ServiceIR } from '../../src/ir/index.js';

const tlsRoute: RouteRef = { kind: 'TLSRoute', namespace: 'edge', name: 'passthrough' };
const tcpRoute: RouteRef = { kind: 'TCPRoute', namespace: 'db', name: 'postgres' };

function svc(namespace: string, name: string, port: number, producer: RouteTable): ServiceIR {
  return {
    ref: { namespace, name },
    type: 'ClusterIP',
    headless: false,
    clusterIPs: [],
    hostnames: [`${name}.${namespace}.svc.cluster.local`],
    ports: [{ name: '', port, transport: 'TCP', targetPort: port, protocol: 'tls', protocolSource: 'appProtocol', producer, consumers: [] }],
  };
}

const ir: MeshIR = {
  schema: 'sidelane.io/ir/v1alpha1',
  clusterDomain: 'cluster.local',
  services: [
    svc('db', 'pg', 5432, {
      kind: 'tcp',
      routes: [tcpRoute],
      rule: { id: { route: tcpRoute, index: 0 }, backends: [{ kind: 'Service', service: { namespace: 'db', name: 'pg-primary' }, port: 5432, weight: 1 }] },
    }),
    svc('edge', 'api', 443, {
      kind: 'tls',
      routes: [tlsRoute],
      rules: [
        { id: { route: tlsRoute, index: 0 }, sniHosts: ['*.edge'], backends: [{ kind: 'Service', service: { namespace: 'edge', name: 'api-v2' }, port: 443, weight: 1 }] },
        { id: { route: tlsRoute, index: 1 }, sniHosts: [], backends: [{ kind: 'Service', service: { namespace: 'edge', name: 'api-v1' }, port: 443, weight: 1 }] },
      ],
    }),
  ],
  endpoints: [],
};

test('TLS: the SNI (the dialed name) picks the rule, by wildcard here', () => {
  const r = explainRequest(ir, parseRequest('https://api.edge/'), 'default');
  assert.equal(r.tls?.sni, 'api.edge');
  assert.equal(r.tls.sentence, 'SNI "api.edge" chose TLSRoute edge/passthrough rule 0 by the wildcard *.edge (more specific names win first); the TLS bytes are forwarded unopened');
  assert.equal(r.verdict, 'connection routed by TLSRoute edge/passthrough rule 0 to edge/api-v2:443 100%');
  assert.match(formatExplain(r), /→ TLSRoute edge\/passthrough rule 0: \*\.edge/);
});

test('TLS: plain http has no SNI, so only the catch-all rule can take it', () => {
  const r = explainRequest(ir, parseRequest('http://api.edge.svc.cluster.local:443/'), 'default');
  assert.equal(r.tls?.rules.find((x) => x.chosen)?.index, 1);
  assert.ok(r.notes.some((n) => n.includes('no SNI')));
});

test('TCP: every connection uses the one rule', () => {
  const r = explainRequest(ir, parseRequest('pg.db:5432'), 'default');
  assert.equal(r.tcp?.sentence, 'every connection uses TCPRoute db/postgres rule 0 (TCPRoute has no matches)');
  assert.equal(r.outcome, 'routed');
});
