// A `gateway:<class>` destination brings the class's listeners (`gateway/<class>`) and the Service
// and endpoints of every backend and mirror of its route tables; an unknown class resolves to
// nothing. With proxy authentication, only the listed gateway service accounts get a class (it
// holds TLS keys): any other proxy gets an empty answer and one warning per stream.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyAuthenticator } from '../../src/configsync/auth.js';
import type { HelloInput } from '../../src/configsync/proto.js';
import { irVersion, type GatewayClassIR, type HttpRouteTable, type ServiceRef } from '../../src/ir/index.js';
import { fakeJwt } from './auth-fixture.js';
import { body, configFrom, names, RawProxy, shopYaml, withServer, type TestServer } from './configsync-fixture.js';

const shop = (name: string): ServiceRef => ({ namespace: 'shop', name });
const route = { kind: 'HTTPRoute', namespace: 'edge', name: 'store' } as const;
const tcpRoute = { kind: 'TCPRoute', namespace: 'edge', name: 'db' } as const;
const listener = (name: string): { gateway: ServiceRef; name: string } => ({ gateway: { namespace: 'edge', name: 'public' }, name });

function table(backend: string, mirror?: string): HttpRouteTable {
  return {
    kind: 'http',
    routeKind: 'HTTPRoute',
    routes: [route],
    matches: [{ rule: 0, match: { headers: [], queryParams: [] } }],
    rules: [
      {
        id: { route, index: 0 },
        filters: mirror === undefined ? [] : [{ type: 'RequestMirror', target: { service: shop(mirror), port: 80 }, fraction: { numerator: 1, denominator: 1 } }],
        backends: [{ kind: 'Service', service: shop(backend), port: 80, weight: 1, filters: [] }],
      },
    ],
  };
}

/** Class `sidelane`: HTTP to cart-v1 (mirrored to audit), HTTPS to cart-v2, TCP to cart-v3. */
function gatewayClass(httpBackend = 'cart-v1'): GatewayClassIR {
  return {
    name: 'sidelane',
    ports: [
      { port: 80, kind: 'http', listeners: [{ listener: listener('http'), hostname: '*', hosts: [{ hostname: '*', table: table(httpBackend, 'audit') }] }] },
      {
        port: 443,
        kind: 'tls',
        listeners: [{
          listener: listener('https'),
          hostname: 'shop.example.com',
          mode: 'Terminate',
          certificates: [{ namespace: 'edge', name: 'cert', certificatePem: 'CERT', privateKeyPem: 'KEY-of-the-gateway' }],
          http: [{ hostname: 'shop.example.com', table: table('cart-v2') }],
          alpn: ['h2', 'http/1.1'],
        }],
      },
      { port: 5432, kind: 'tcp', listener: listener('db'), table: { kind: 'tcp', routes: [tcpRoute], rule: { id: { route: tcpRoute, index: 0 }, backends: [{ kind: 'Service', service: shop('cart-v3'), port: 80, weight: 1 }] } } },
    ],
  };
}

function publishWithGateway(t: TestServer, gateways: GatewayClassIR[] | undefined): void {
  const { ir } = configFrom(shopYaml());
  const withGateways = gateways === undefined ? ir : { ...ir, gateways };
  t.server.publish({ ir: withGateways, version: irVersion(withGateways) });
}

function gatewayHello(serviceAccount: string, subscriptions: string[]): Partial<HelloInput> {
  return {
    identity: { pod: 'gw-0', namespace: 'edge', serviceAccount, node: 'node-1', podIps: ['10.244.9.9'], kind: 'gateway' },
    subscriptions,
  };
}

const BACKENDS = ['shop/audit', 'shop/cart-v1', 'shop/cart-v2', 'shop/cart-v3'];

test('gateway:<class> brings the class and every backend and mirror Service with its endpoints', async () => {
  await withServer(async (t, connect) => {
    publishWithGateway(t, [gatewayClass()]);
    const proxy = connect('edge', gatewayHello('gateway', ['gateway:sidelane']));
    const delta = await proxy.nextDelta();
    assert.deepEqual(body(delta, 'destination/gateway:sidelane'), { services: BACKENDS });
    assert.deepEqual(body(delta, 'gateway/sidelane'), gatewayClass());
    assert.deepEqual(names(delta), [
      'destination/gateway:sidelane',
      ...BACKENDS.map((k) => `endpoints/${k}`),
      'gateway/sidelane',
      ...BACKENDS.map((k) => `service/${k}`),
    ]);
    proxy.ack(delta);

    // The class changes (HTTP now goes to cart): the class, the list and cart come; cart-v1 goes.
    publishWithGateway(t, [gatewayClass('cart')]);
    const change = await proxy.nextDelta();
    assert.deepEqual(names(change), ['destination/gateway:sidelane', 'endpoints/shop/cart', 'gateway/sidelane', 'service/shop/cart']);
    assert.deepEqual(change.removed, ['endpoints/shop/cart-v1', 'service/shop/cart-v1']);
    proxy.ack(change);

    // The class is gone: so is everything it brought; the destination answers nothing.
    publishWithGateway(t, undefined);
    const gone = await proxy.nextDelta();
    assert.deepEqual(body(gone, 'destination/gateway:sidelane'), { services: [] });
    assert.ok(gone.removed.includes('gateway/sidelane'));
    assert.ok(gone.removed.includes('service/shop/cart-v2'));
  });
});

test('a class that is not in the IR resolves to nothing and brings no gateway resource', async () => {
  await withServer(async (t, connect) => {
    publishWithGateway(t, [gatewayClass()]);
    const proxy = connect('edge', gatewayHello('gateway', ['gateway:other']));
    const delta = await proxy.nextDelta();
    assert.deepEqual(names(delta), ['destination/gateway:other']);
    assert.deepEqual(body(delta, 'destination/gateway:other'), { services: [] });
  });
});

const TOKEN = fakeJwt('any');
const acceptAll: ProxyAuthenticator = () => Promise.resolve({ ok: true });

function authenticatedProxy(t: TestServer, serviceAccount: string, subscriptions: string[]): RawProxy {
  const proxy = new RawProxy(t.port, TOKEN);
  proxy.send({ hello: { ...gatewayHello(serviceAccount, subscriptions), proxyVersion: 'test' } });
  return proxy;
}

test('with proxy authentication only gateway service accounts get a class; others are told once', async () => {
  await withServer(
    async (t) => {
      publishWithGateway(t, [gatewayClass()]);
      const proxies: RawProxy[] = [];
      try {
        const allowed = authenticatedProxy(t, 'sidelane-gateway', ['gateway:sidelane']);
        proxies.push(allowed);
        const granted = await allowed.nextDelta();
        assert.deepEqual(body(granted, 'destination/gateway:sidelane'), { services: BACKENDS });
        assert.ok(names(granted).includes('gateway/sidelane'));

        const other = authenticatedProxy(t, 'default', ['gateway:sidelane']);
        proxies.push(other);
        const refused = await other.nextDelta();
        assert.deepEqual(names(refused), ['destination/gateway:sidelane']);
        assert.deepEqual(body(refused, 'destination/gateway:sidelane'), { services: [] });
        assert.doesNotMatch(JSON.stringify(refused.resources.map((r) => r.body.toString())), /KEY-of-the-gateway/);
        other.ack(refused);
        other.send({ subscribe: { destinations: ['gateway:sidelane', 'gateway:other'] } });
        other.ack(await other.nextDelta());
        const warnings = t.logs.filter((l) => typeof l.msg === 'string' && l.msg.includes('not a gateway service account'));
        assert.equal(warnings.length, 1, 'one warning per stream');
        assert.equal(warnings[0]?.serviceAccount, 'edge/default');
      } finally {
        for (const p of proxies) p.close();
      }
    },
    { authenticate: acceptAll, gatewayServiceAccounts: ['edge/sidelane-gateway'] },
  );
});

test('without proxy authentication any proxy may serve a class (no identity is proven)', async () => {
  await withServer(
    async (t, connect) => {
      publishWithGateway(t, [gatewayClass()]);
      const proxy = connect('web', { subscriptions: ['gateway:sidelane'] });
      const delta = await proxy.nextDelta();
      assert.ok(names(delta).includes('gateway/sidelane'));
      assert.equal(t.logs.filter((l) => typeof l.msg === 'string' && l.msg.includes('gateway service account')).length, 0);
    },
    { gatewayServiceAccounts: ['edge/sidelane-gateway'] },
  );
});
