// The two containers and the volume the injector adds to a pod (contracts of issue 5):
// `sidelane-init` sets up iptables, `sidelane-proxy` is a native sidecar (an init container with
// restartPolicy Always, Kubernetes ≥ 1.29) and `sidelane-token` is the token it shows the controller.
//
// The app's own containers are not touched, probes included. HTTP liveness/readiness/startup probes
// keep working as they are because inbound interception is transparent: the kubelet's connection to
// the pod IP is redirected to the inbound listener, which forwards it to the port it was addressed to
// (SO_ORIGINAL_DST) without changing the request, so no probe rewriting (as Istio does for mTLS) is
// needed. The proxy's own probes use the admin port, which the init container never redirects.
import type { V1Container, V1EnvVar, V1HTTPGetAction, V1ResourceRequirements, V1Volume } from '@kubernetes/client-node';
import {
  ADMIN_PORT,
  INBOUND_PORT,
  INIT_CONTAINER,
  OUTBOUND_PORT,
  PROXY_CONTAINER,
  PROXY_UID,
  TOKEN_AUDIENCE,
  TOKEN_DIR,
  TOKEN_PATH,
  TOKEN_VOLUME,
} from '../src/shared/pod-mesh.js';
import type { ProxySettings } from './annotations.js';
import type { InjectorConfig, ProxyResources } from './config.js';

export interface SidecarParts {
  initContainer: V1Container;
  proxyContainer: V1Container;
  tokenVolume: V1Volume;
}

/** Twelve hours: the kubelet refreshes a projected token at 80% of its life. */
const TOKEN_EXPIRATION_SECONDS = 43200;
/** The startup probe allows five minutes (300 × 1 s) for the first config to arrive. */
const STARTUP_PERIOD_SECONDS = 1;
const STARTUP_FAILURE_THRESHOLD = 300;

export function sidecarParts(settings: ProxySettings, config: InjectorConfig): SidecarParts {
  return {
    initContainer: initContainer(settings, config),
    proxyContainer: proxyContainer(settings, config),
    tokenVolume: {
      name: TOKEN_VOLUME,
      projected: {
        sources: [
          { serviceAccountToken: { audience: TOKEN_AUDIENCE, expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        ],
      },
    },
  };
}

/** `sidelane iptables apply` with the pod's ports and ranges; empty lists are left out. */
function initContainer(settings: ProxySettings, config: InjectorConfig): V1Container {
  const args = ['--proxy-uid', String(config.proxyUid)];
  // The GID defaults to PROXY_UID on the iptables side too; only a different UID needs saying.
  if (config.proxyUid !== PROXY_UID) args.push('--proxy-gid', String(config.proxyUid));
  const include = settings.includeInboundPorts;
  args.push('--include-inbound-ports', include === '*' ? '*' : include.join(','));
  const lists: [string, readonly (number | string)[]][] = [
    ['--exclude-inbound-ports', settings.excludeInboundPorts],
    ['--exclude-outbound-ports', settings.excludeOutboundPorts],
    ['--exclude-outbound-ip-ranges', settings.excludeOutboundIpRanges],
  ];
  for (const [flag, values] of lists) if (values.length > 0) args.push(flag, values.join(','));
  return {
    name: INIT_CONTAINER,
    image: config.image,
    imagePullPolicy: config.imagePullPolicy,
    command: ['sidelane', 'iptables', 'apply'],
    args,
    // Same as the proxy's: init containers run one at a time, so this costs the pod nothing extra,
    // and a namespace quota that demands requests/limits accepts it.
    ...resources(settings.resources),
    securityContext: {
      runAsUser: 0,
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] },
    },
  };
}

function proxyContainer(settings: ProxySettings, config: InjectorConfig): V1Container {
  // A function, not a shared object: YAML output would turn a shared object into an anchor and alias.
  const admin = (path: string): V1HTTPGetAction => ({ path, port: ADMIN_PORT });
  return {
    name: PROXY_CONTAINER,
    image: config.image,
    imagePullPolicy: config.imagePullPolicy,
    // A native sidecar: started before the app's containers (and, with the startup probe, ready
    // before them), stopped after them.
    restartPolicy: 'Always',
    command: ['sidelane', 'proxy'],
    args: [
      '--interception', 'iptables',
      '--outbound', `127.0.0.1:${OUTBOUND_PORT}`,
      '--inbound', `0.0.0.0:${INBOUND_PORT}`,
      '--admin', `0.0.0.0:${ADMIN_PORT}`,
    ],
    env: proxyEnv(settings, config),
    ports: [{ name: 'sidelane-admin', containerPort: ADMIN_PORT }],
    ...resources(settings.resources),
    startupProbe: { httpGet: admin('/ready'), periodSeconds: STARTUP_PERIOD_SECONDS, failureThreshold: STARTUP_FAILURE_THRESHOLD },
    readinessProbe: { httpGet: admin('/ready') },
    livenessProbe: { httpGet: admin('/live') },
    securityContext: {
      runAsUser: config.proxyUid,
      runAsGroup: config.proxyUid,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: TOKEN_VOLUME, mountPath: TOKEN_DIR, readOnly: true }],
  };
}

function proxyEnv(settings: ProxySettings, config: InjectorConfig): V1EnvVar[] {
  const field = (name: string, fieldPath: string): V1EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  const env: V1EnvVar[] = [
    field('POD_NAME', 'metadata.name'),
    field('POD_NAMESPACE', 'metadata.namespace'),
    field('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    field('NODE_NAME', 'spec.nodeName'),
    field('POD_IP', 'status.podIP'),
    field('POD_IPS', 'status.podIPs'),
    { name: 'SIDELANE_CONTROL_PLANE', value: config.controlPlane.join(',') },
    { name: 'SIDELANE_LOG_LEVEL', value: settings.logLevel },
    { name: 'SIDELANE_TOKEN_FILE', value: TOKEN_PATH },
  ];
  if (config.otlpEndpoint !== '') env.push({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: config.otlpEndpoint });
  return env;
}

/** `resources`, without empty sections (the API server would keep `{}` and it reads as a mistake). */
function resources(given: ProxyResources): { resources?: V1ResourceRequirements } {
  const out: V1ResourceRequirements = {};
  if (given.requests !== undefined && Object.keys(given.requests).length > 0) out.requests = { ...given.requests };
  if (given.limits !== undefined && Object.keys(given.limits).length > 0) out.limits = { ...given.limits };
  return Object.keys(out).length > 0 ? { resources: out } : {};
}
