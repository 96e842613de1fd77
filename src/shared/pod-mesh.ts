// The facts a meshed pod is built from: the proxy's ports and UID, the labels and annotations users
// set, the names the injector gives what it adds. The injector writes them, the iptables rules and
// the proxy read them, so they live in one place.

/** The proxy container's UID (and GID). The outbound iptables rules exempt it, so the proxy's own connections are not redirected back to itself. */
export const PROXY_UID = 1337;
/** Outbound listener: iptables redirects the app's outgoing TCP here (127.0.0.1, ::1). */
export const OUTBOUND_PORT = 15001;
/** Inbound listener: iptables redirects incoming TCP here (0.0.0.0, ::). */
export const INBOUND_PORT = 15006;
/** Admin listener on the pod IP: /ready, /live and /metrics for the kubelet and Prometheus; /config only to loopback peers. */
export const ADMIN_PORT = 15000;
/** The controller's gRPC config stream. */
export const CONFIG_PORT = 15010;
/** The injector's HTTPS port. */
export const WEBHOOK_PORT = 15017;

/** Audience of the projected service-account token a proxy shows the controller. */
export const TOKEN_AUDIENCE = 'sidelane';
export const TOKEN_DIR = '/var/run/secrets/sidelane';
export const TOKEN_PATH = `${TOKEN_DIR}/token`;

/** Pod label: "false" opts a pod out of injection, "true" opts it in where its namespace is not labelled. */
export const INJECT_LABEL = 'sidelane.io/inject';
/** Namespace label: "enabled" injects every pod of the namespace. */
export const NAMESPACE_INJECTION_LABEL = 'sidelane-injection';

/** Per-pod annotations the injector reads (and `status`, which it writes). */
export const ANNOTATIONS = {
  excludeInboundPorts: 'sidelane.io/exclude-inbound-ports',
  excludeOutboundPorts: 'sidelane.io/exclude-outbound-ports',
  excludeOutboundIpRanges: 'sidelane.io/exclude-outbound-ip-ranges',
  includeInboundPorts: 'sidelane.io/include-inbound-ports',
  proxyCpu: 'sidelane.io/proxy-cpu',
  proxyMemory: 'sidelane.io/proxy-memory',
  proxyCpuLimit: 'sidelane.io/proxy-cpu-limit',
  proxyMemoryLimit: 'sidelane.io/proxy-memory-limit',
  logLevel: 'sidelane.io/log-level',
  status: 'sidelane.io/status',
} as const;

export const PROXY_CONTAINER = 'sidelane-proxy';
export const INIT_CONTAINER = 'sidelane-init';
export const TOKEN_VOLUME = 'sidelane-token';
