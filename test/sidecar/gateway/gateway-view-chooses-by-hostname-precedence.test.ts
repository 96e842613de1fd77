// The gateway view's choices, without sockets: hostname patterns (a wildcard needs at least one
// label in front), the listener for an SNI or Host (exact, then wildcard, then `*`; no SNI only
// `*`), and when a request on a TLS port is misdirected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coversHost, GatewayView, hostOfAuthority } from '../../../sidecar/gateway/view.js';
import { prepareRequest } from '../../../sidecar/route/match.js';
import { gatewayClass, httpsListener, routeTo, vhost } from './gateway-harness.js';

const CERT = { name: 'c', namespace: 'infra', certificatePem: 'x', privateKeyPem: 'y' };

const view = new GatewayView(
  gatewayClass([
    {
      port: 443,
      kind: 'tls',
      listeners: [
        httpsListener('exact', 'a.example.com', [CERT], [vhost('a.example.com', routeTo('a', 'alpha', 80))]),
        httpsListener('wild', '*.example.com', [CERT], [vhost('*.example.com', routeTo('w', 'beta', 80, { path: '/w' }))]),
        httpsListener('any', '*', [CERT], [vhost('*', routeTo('any', 'gamma', 80))]),
      ],
    },
  ]),
  'v1',
);

const get = (path: string) => prepareRequest({ method: 'GET', path, query: [], headers: [] });

test('hostname patterns: exact, wildcard with at least one label in front, and *', () => {
  assert.equal(coversHost('a.example.com', 'a.example.com'), true);
  assert.equal(coversHost('*.example.com', 'a.b.example.com'), true);
  assert.equal(coversHost('*.example.com', 'example.com'), false);
  assert.equal(coversHost('*.example.com', 'xexample.com'), false);
  assert.equal(coversHost('*', ''), true);
  assert.equal(coversHost('*.example.com', ''), false);
  assert.equal(hostOfAuthority('A.Example.COM.:8443'), 'a.example.com');
  assert.equal(hostOfAuthority('[::1]:80'), '::1');
});

test('the SNI picks the most specific listener; a client without SNI gets the * listener', () => {
  assert.equal(view.tlsListener(443, 'a.example.com')?.listener.name, 'exact');
  assert.equal(view.tlsListener(443, 'B.example.com')?.listener.name, 'wild');
  assert.equal(view.tlsListener(443, 'other.test')?.listener.name, 'any');
  assert.equal(view.tlsListener(443, '')?.listener.name, 'any');
  assert.equal(view.tlsListener(80, 'a.example.com'), undefined);
});

test('a Host of another listener than the SNI chose is misdirected; one of the same listener is routed', () => {
  const viaWild = { port: 443, scheme: 'https' as const, listener: '*.example.com' };
  assert.equal(view.routeRequest(viaWild, 'a.example.com', get('/w')).kind, 'misdirected');
  assert.equal(view.routeRequest(viaWild, 'other.test', get('/w')).kind, 'misdirected');
  const routed = view.routeRequest(viaWild, 'b.example.com:443', get('/w/x'));
  assert.equal(routed.kind === 'matched' ? routed.match.rule.id.route.name : routed.kind, 'w');
  assert.equal(view.routeRequest(viaWild, 'b.example.com', get('/elsewhere')).kind, 'no-route');
  // No Host (HTTP/1.0): the SNI's listener alone decides.
  assert.equal(view.routeRequest({ port: 443, scheme: 'https', listener: '*' }, '', get('/')).kind, 'matched');
});
