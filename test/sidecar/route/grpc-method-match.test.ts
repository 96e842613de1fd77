// GRPCRoute matches look at the path as /<service>/<method>: service and method compare Exact or by
// anchored regex, and a path that is not gRPC-shaped never matches a service or method match.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GrpcMethodMatch, HttpRouteTable } from '../../../src/ir/index.js';
import { httpRequestFacts, matchHttp } from '../../../sidecar/route/match.js';

function grpcTable(grpc: GrpcMethodMatch | undefined): HttpRouteTable {
  const route = { kind: 'GRPCRoute' as const, namespace: 'greet', name: 'greeter' };
  return {
    kind: 'http',
    routeKind: 'GRPCRoute',
    routes: [route],
    matches: [{ rule: 0, match: grpc ? { headers: [], queryParams: [], grpc } : { headers: [], queryParams: [] } }],
    rules: [{ id: { route, index: 0 }, filters: [], backends: [] }],
  };
}

const call = (path: string) => httpRequestFacts('POST', path, [['content-type', 'application/grpc']]);

test('service and method both Exact', () => {
  const table = grpcTable({
    service: { type: 'Exact', value: 'helloworld.Greeter' },
    method: { type: 'Exact', value: 'SayHello' },
  });
  assert.ok(matchHttp(table, call('/helloworld.Greeter/SayHello')));
  assert.equal(matchHttp(table, call('/helloworld.Greeter/SayGoodbye')), undefined);
  assert.equal(matchHttp(table, call('/helloworld.greeter/SayHello')), undefined);
});

test('a service alone matches every method of it', () => {
  const table = grpcTable({ service: { type: 'Exact', value: 'helloworld.Greeter' } });
  assert.ok(matchHttp(table, call('/helloworld.Greeter/SayHello')));
  assert.ok(matchHttp(table, call('/helloworld.Greeter/Other')));
  assert.equal(matchHttp(table, call('/helloworld.Farewell/SayHello')), undefined);
});

test('a method alone matches it in any service', () => {
  const table = grpcTable({ method: { type: 'Exact', value: 'Check' } });
  assert.ok(matchHttp(table, call('/grpc.health.v1.Health/Check')));
  assert.ok(matchHttp(table, call('/other.Svc/Check')));
});

test('regular expressions are anchored to the whole service or method', () => {
  const table = grpcTable({ service: { type: 'RegularExpression', value: 'helloworld\\..*' }, method: { type: 'RegularExpression', value: 'Say.*' } });
  assert.ok(matchHttp(table, call('/helloworld.Greeter/SayHello')));
  assert.equal(matchHttp(table, call('/x.helloworld.Greeter/SayHello')), undefined);
  assert.equal(matchHttp(table, call('/helloworld.Greeter/DoSay')), undefined);
});

test('a path that is not /<service>/<method> does not match a service or method match', () => {
  const table = grpcTable({ method: { type: 'RegularExpression', value: '.*' } });
  for (const path of ['/', '/onlyservice', '/svc/', '//Method', '/a/b/c']) {
    assert.equal(matchHttp(table, call(path)), undefined, path);
  }
});

test('a GRPCRoute rule without matches takes every request', () => {
  assert.ok(matchHttp(grpcTable(undefined), call('/not/grpc/shaped')));
});
