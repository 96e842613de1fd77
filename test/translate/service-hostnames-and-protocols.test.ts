// Table tests for what a Service frontend answers to: its four DNS names (for any cluster domain)
// and the protocol of each port (appProtocol, then Istio's port-name prefixes, then opaque TCP).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceHostnames } from '../../src/translate/service.js';
import { portProtocol } from '../../src/translate/protocol.js';

test('a Service answers to name, name.ns, name.ns.svc and the full name', () => {
  const rows: [string, string, string, string[]][] = [
    ['reviews', 'bookinfo', 'cluster.local', ['reviews', 'reviews.bookinfo', 'reviews.bookinfo.svc', 'reviews.bookinfo.svc.cluster.local']],
    ['db', 'data', 'corp.internal', ['db', 'db.data', 'db.data.svc', 'db.data.svc.corp.internal']],
  ];
  for (const [name, namespace, domain, want] of rows) {
    assert.deepEqual(serviceHostnames({ name, namespace }, domain), want);
  }
});

test('port protocol comes from appProtocol, else the port name prefix, else opaque TCP', () => {
  const rows: [Parameters<typeof portProtocol>[0], string, string][] = [
    [{ appProtocol: 'http' }, 'http', 'appProtocol'],
    [{ appProtocol: 'kubernetes.io/h2c' }, 'h2c', 'appProtocol'],
    [{ appProtocol: 'kubernetes.io/ws' }, 'ws', 'appProtocol'],
    [{ appProtocol: 'grpc', name: 'http' }, 'grpc', 'appProtocol'],
    [{ appProtocol: 'https' }, 'tls', 'appProtocol'],
    [{ appProtocol: 'tls' }, 'tls', 'appProtocol'],
    [{ name: 'http' }, 'http', 'portName'],
    [{ name: 'http-web' }, 'http', 'portName'],
    [{ name: 'http2-api' }, 'h2c', 'portName'],
    [{ name: 'grpc' }, 'grpc', 'portName'],
    [{ name: 'grpc-web' }, 'http', 'portName'],
    [{ name: 'tcp-db' }, 'tcp', 'portName'],
    [{ name: 'tls-x' }, 'tls', 'portName'],
    [{ name: 'httpx' }, 'tcp', 'default'],
    [{ name: 'web' }, 'tcp', 'default'],
    [{}, 'tcp', 'default'],
    [{ appProtocol: 'example.com/custom', name: 'http' }, 'http', 'portName'],
    [{ protocol: 'UDP', name: 'dns' }, 'udp', 'default'],
  ];
  for (const [port, protocol, source] of rows) {
    const got = portProtocol(port);
    assert.deepEqual([got.protocol, got.source], [protocol, source], JSON.stringify(port));
  }
});
