// The configurations of the gateway rows: nginx, haproxy and a Sidelane Gateway each terminating
// HTTPS on one port with the same certificate and forwarding over HTTP/1.1 keep-alive to the same
// backend, routing Host `bench.example.com` with a `/` prefix. Pure text, no I/O.
import { BODY, nginxHttpCommon, nginxMain } from './configs.js';

export { BODY };

/** The Host clients send (and the certificate's name); wrk's SNI is the URL's host, 127.0.0.1. */
export const GATEWAY_HOST = 'bench.example.com';
/** The port of the Gateway's HTTPS listener, as a user writes it; `--port-offset` moves it. */
export const GATEWAY_LISTENER_PORT = 443;
export const GATEWAY_CLASS = 'sidelane-bench';

export interface GatewayPorts {
  /** The backend's HTTP/1.1 listener (the nginx backend of the run). */
  backend: number;
  /** Where the proxy under test terminates TLS. */
  proxyTls: number;
}

/** The certificate every proxy serves, as files and as PEM text. */
export interface TlsMaterial {
  certFile: string;
  keyFile: string;
  /** Certificate then key in one file, as haproxy's `crt` wants. */
  bundleFile: string;
  certPem: string;
  keyPem: string;
  /** What it is, for the report: "ECDSA P-256" or "RSA 2048". */
  description: string;
}

/** TLS 1.2 and 1.3, each proxy's default ciphers (TLS 1.3 with wrk: TLS_AES_256_GCM_SHA384). */
export function nginxTlsProxyConf(dir: string, ports: GatewayPorts, tls: TlsMaterial): string {
  return `${nginxMain(dir)}http {
${nginxHttpCommon(dir)}  upstream backend { server 127.0.0.1:${ports.backend}; keepalive 256; keepalive_requests 10000000; }
  server {
    listen 127.0.0.1:${ports.proxyTls} ssl;
    server_name ${GATEWAY_HOST};
    ssl_certificate ${tls.certFile};
    ssl_certificate_key ${tls.keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    # Host goes upstream unchanged, as haproxy and a Gateway do (nginx would send "backend").
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host; }
  }
}
`;
}

export function haproxyTlsConf(ports: GatewayPorts, tls: TlsMaterial): string {
  return `global
  nbthread 1
  maxconn 4096
  ssl-default-bind-options ssl-min-ver TLSv1.2
  tune.ssl.default-dh-param 2048
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend https
  bind 127.0.0.1:${ports.proxyTls} ssl crt ${tls.bundleFile}
  use_backend backend_h1 if { hdr(host) -i ${GATEWAY_HOST} }
backend backend_h1
  server s1 127.0.0.1:${ports.backend}
`;
}

/** `sidelane run --port-offset` that puts the Gateway's listener 443 on `proxyTls`. */
export function sidelanePortOffset(ports: GatewayPorts): number {
  const offset = ports.proxyTls - GATEWAY_LISTENER_PORT;
  if (offset < 0) throw new Error(`port ${ports.proxyTls} is below the listener's ${GATEWAY_LISTENER_PORT}: no offset reaches it`);
  return offset;
}

/**
 * What a user would write for `sidelane run`: a GatewayClass of ours, a Gateway with an HTTPS
 * listener terminating with Secret `bench-cert` (no hostname: wrk's SNI is an IP), the Secret, the
 * backend Service and its EndpointSlice, and an HTTPRoute for Host bench.example.com.
 */
export function sidelaneGatewayManifests(ports: GatewayPorts, tls: TlsMaterial): string {
  // JSON strings are YAML strings: the PEM's newlines survive as \n escapes.
  return `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: ${GATEWAY_CLASS}}
spec: {controllerName: sidelane.io/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: bench, namespace: default}
spec:
  gatewayClassName: ${GATEWAY_CLASS}
  listeners:
    - name: https
      protocol: HTTPS
      port: ${GATEWAY_LISTENER_PORT}
      tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: bench-cert}]}
      allowedRoutes: {namespaces: {from: Same}}
---
apiVersion: v1
kind: Secret
metadata: {name: bench-cert, namespace: default}
type: kubernetes.io/tls
stringData:
  tls.crt: ${JSON.stringify(tls.certPem)}
  tls.key: ${JSON.stringify(tls.keyPem)}
---
apiVersion: v1
kind: Service
metadata: {name: bench-backend, namespace: default}
spec:
  ports: [{name: http, port: 80, targetPort: ${ports.backend}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: bench-backend-0, namespace: default, labels: {kubernetes.io/service-name: bench-backend}}
addressType: IPv4
ports: [{name: http, port: ${ports.backend}, protocol: TCP}]
endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bench, namespace: default}
spec:
  parentRefs: [{name: bench, sectionName: https}]
  hostnames: [${GATEWAY_HOST}]
  rules:
    - matches: [{path: {type: PathPrefix, value: /}}]
      backendRefs: [{name: bench-backend, port: 80}]
`;
}
