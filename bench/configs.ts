// The configurations of one benchmark run: the nginx backend that answers "ok", and the three
// proxies set up as equivalents of each other — one HTTP/1.1 and one h2c listener, a Host-based
// route with a `/` prefix to the backend, keep-alive connections upstream, no access log.

export interface Ports {
  /** Backend: HTTP/1.1 and h2c (prior knowledge) listeners. */
  backendH1: number;
  backendH2c: number;
  /** The proxy under test: HTTP/1.1 and h2c listeners (Sidelane serves both on one port). */
  proxyH1: number;
  proxyH2c: number;
  /** Sidelane's admin listener (readiness). */
  admin: number;
}

/** The Host / :authority clients send: the Service's name, as a mesh client would. */
export const H1_HOST = 'bench';
export const H2C_HOST = 'bench-h2c';
export const BODY = 'ok\n';

/** Process-level lines shared by both nginx instances: foreground, one worker, files in `dir`. */
export function nginxMain(dir: string): string {
  return `worker_processes 1;
daemon off;
master_process on;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; multi_accept on; }
`;
}

export function nginxHttpCommon(dir: string): string {
  return `  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 75s;
  default_type text/plain;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
`;
}

/** A static responder: nginx's `return` costs next to nothing, so the backend is never the limit. */
export function nginxBackendConf(dir: string, ports: Ports): string {
  return `${nginxMain(dir)}http {
${nginxHttpCommon(dir)}  server { listen 127.0.0.1:${ports.backendH1}; location / { return 200 "${BODY.trim()}\\n"; } }
  server { listen 127.0.0.1:${ports.backendH2c} http2; location / { return 200 "${BODY.trim()}\\n"; } }
}
`;
}

/**
 * nginx as a reverse proxy. nginx cannot speak HTTP/2 to an upstream, so its h2c listener
 * forwards over HTTP/1.1 keep-alive connections (the report says so).
 */
export function nginxProxyConf(dir: string, ports: Ports): string {
  const location = `location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }`;
  return `${nginxMain(dir)}http {
${nginxHttpCommon(dir)}  upstream backend { server 127.0.0.1:${ports.backendH1}; keepalive 256; keepalive_requests 10000000; }
  server { listen 127.0.0.1:${ports.proxyH1}; server_name ${H1_HOST}; ${location} }
  server { listen 127.0.0.1:${ports.proxyH2c} http2; server_name ${H2C_HOST}; ${location} }
}
`;
}

/** haproxy as a reverse proxy: one thread, HTTP/1.1 keep-alive upstream, h2c upstream for h2c. */
export function haproxyConf(ports: Ports): string {
  return `global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend h1
  bind 127.0.0.1:${ports.proxyH1}
  use_backend backend_h1 if { hdr(host) -i ${H1_HOST} }
frontend h2c
  bind 127.0.0.1:${ports.proxyH2c} proto h2
  use_backend backend_h2c if { hdr(host) -i ${H2C_HOST} }
backend backend_h1
  server s1 127.0.0.1:${ports.backendH1}
backend backend_h2c
  server s1 127.0.0.1:${ports.backendH2c} proto h2
`;
}

/**
 * Sidelane's manifests: a Service per backend listener, its EndpointSlice, and an HTTPRoute with
 * one PathPrefix `/` rule attached to it (GAMMA). The h2c Service says so with appProtocol, so the
 * proxy speaks h2c to the backend too.
 */
export function sidelaneManifests(ports: Ports): string {
  const service = (name: string, port: number, appProtocol?: string): string => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  ports: [{name: http, port: 80, targetPort: ${port}${appProtocol ? `, appProtocol: ${appProtocol}` : ''}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-0, namespace: default, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
ports: [{name: http, port: ${port}, protocol: TCP${appProtocol ? `, appProtocol: ${appProtocol}` : ''}}]
endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: default}
spec:
  parentRefs: [{group: "", kind: Service, name: ${name}, port: 80}]
  rules:
    - matches: [{path: {type: PathPrefix, value: /}}]
      backendRefs: [{name: ${name}, port: 80}]
`;
  return `${service(H1_HOST, ports.backendH1)}---\n${service(H2C_HOST, ports.backendH2c, 'kubernetes.io/h2c')}`;
}
