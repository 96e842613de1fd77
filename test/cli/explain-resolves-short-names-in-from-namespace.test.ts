// Host → Service the way a pod in the --from namespace resolves it: a short name is looked up in
// that namespace, `name.ns`, `name.ns.svc` and the full name anywhere, or a ClusterIP literal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainRequest } from '../../src/cli/explain.js';
import { parseRequest } from '../../src/cli/explain-request.js';
import type { MeshIR, ServiceIR } from '../../src/ir/index.js';

function service(namespace: string, name: string, clusterIP: string): ServiceIR {
  return {
    ref: { namespace, name },
    type: 'ClusterIP',
    headless: false,
    clusterIPs: [clusterIP],
    hostnames: [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`],
    ports: [{ name: 'http', port: 9080, transport: 'TCP', targetPort: 9080, protocol: 'http', protocolSource: 'portName', consumers: [] }],
  };
}

const ir: MeshIR = {
  schema: 'sidelane.io/ir/v1alpha1',
  clusterDomain: 'cluster.local',
  services: [service('bookinfo', 'reviews', '10.96.0.10'), service('frontend', 'reviews', '10.96.0.20'), service('bookinfo', 'ratings', 'fd00::10')],
  endpoints: [],
};

const serviceFor = (url: string, from: string) => {
  const s = explainRequest(ir, parseRequest(url), from).service;
  return s && `${s.namespace}/${s.name}`;
};

test('a short name is a Service of the --from namespace', () => {
  assert.equal(serviceFor('http://reviews:9080/', 'frontend'), 'frontend/reviews');
  assert.equal(serviceFor('http://reviews:9080/', 'bookinfo'), 'bookinfo/reviews');
  assert.equal(serviceFor('http://ratings:9080/', 'bookinfo'), 'bookinfo/ratings');
});

test('name.ns, name.ns.svc and the full name reach that namespace from anywhere', () => {
  for (const host of ['reviews.bookinfo', 'reviews.bookinfo.svc', 'reviews.bookinfo.svc.cluster.local', 'reviews.bookinfo.svc.cluster.local.', 'Reviews.Bookinfo']) {
    assert.equal(serviceFor(`http://${host}:9080/`, 'frontend'), 'bookinfo/reviews', host);
  }
});

test('the explanation says how the name was resolved', () => {
  const r = explainRequest(ir, parseRequest('http://reviews:9080/'), 'frontend');
  assert.equal(r.service?.resolvedAs, 'reviews.frontend.svc.cluster.local');
  assert.match(r.service.how, /looked up in namespace frontend/);
});

test('a ClusterIP literal, IPv4 or IPv6 in any spelling', () => {
  assert.equal(serviceFor('http://10.96.0.20:9080/', 'default'), 'frontend/reviews');
  assert.equal(serviceFor('http://[fd00:0::10]:9080/', 'default'), 'bookinfo/ratings');
});

test('a short name not in the --from namespace is not found, and the mesh passes the request through', () => {
  const r = explainRequest(ir, parseRequest('http://ratings:9080/'), 'frontend');
  assert.equal(r.outcome, 'no-service');
  assert.match(r.verdict, /no Service answers to "ratings" from namespace frontend: the mesh passes the request through untouched/);
  assert.deepEqual(r.service, undefined);
});

test('a port the Service does not have is reported with the ports it has', () => {
  const r = explainRequest(ir, parseRequest('http://reviews.bookinfo/'), 'frontend');
  assert.equal(r.outcome, 'no-port');
  assert.equal(r.verdict, 'bookinfo/reviews has no TCP port 80 (the http default); its ports: 9080/TCP (http)');
});
