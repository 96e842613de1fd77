// Gateway API and core objects built in code for the gateway-resolution tests, plus a self-signed
// certificate made once per process (RSA key generation takes a moment).
import type { V1ConfigMap, V1Namespace, V1Secret, V1Service } from '@kubernetes/client-node';
import { createCa } from '../../injector/certs.js';
import type { Gateway, GatewayClass, Listener, ReferenceGrant } from '../../src/api/gateway/index.js';
import { emptySnapshot, type ClusterSnapshot } from '../../src/api/snapshot.js';
import { GATEWAY_CONTROLLER_NAME } from '../../src/ir/index.js';
import type { GatewayTranslateOptions } from '../../src/translate/gateway-model.js';

export const OPTIONS: GatewayTranslateOptions = {
  gatewayControllerName: GATEWAY_CONTROLLER_NAME,
  gatewayServices: { public: { namespace: 'sidelane-system', name: 'sidelane-gateway' } },
};

export function snapshotOf(objects: Partial<ClusterSnapshot>): ClusterSnapshot {
  return { ...emptySnapshot(), ...objects };
}

export function gatewayClass(name = 'public', extra: Partial<GatewayClass['spec']> = {}): GatewayClass {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name, generation: 2 },
    spec: { controllerName: GATEWAY_CONTROLLER_NAME, ...extra },
  };
}

export function gateway(
  namespace: string,
  name: string,
  listeners: Listener[],
  extra: { createdAt?: string; className?: string; spec?: Partial<Gateway['spec']> } = {},
): Gateway {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {
      namespace,
      name,
      generation: 3,
      ...(extra.createdAt === undefined ? {} : { creationTimestamp: new Date(extra.createdAt) }),
    },
    spec: { gatewayClassName: extra.className ?? 'public', listeners, ...extra.spec },
  };
}

export function http(name: string, port = 80, hostname?: string, extra: Partial<Listener> = {}): Listener {
  return { name, port, protocol: 'HTTP', ...(hostname === undefined ? {} : { hostname }), ...extra };
}

export function https(name: string, secret: string, port = 443, hostname?: string, extra: Partial<Listener> = {}): Listener {
  return {
    name,
    port,
    protocol: 'HTTPS',
    ...(hostname === undefined ? {} : { hostname }),
    tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: secret }] },
    ...extra,
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): V1Namespace {
  return { metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

export function tlsSecret(namespace: string, name: string, pem: { certPem: string; keyPem: string }, type = 'kubernetes.io/tls'): V1Secret {
  return {
    metadata: { namespace, name },
    type,
    data: { 'tls.crt': Buffer.from(pem.certPem).toString('base64'), 'tls.key': Buffer.from(pem.keyPem).toString('base64') },
  };
}

export function configMap(namespace: string, name: string, data: Record<string, string>): V1ConfigMap {
  return { metadata: { namespace, name }, data };
}

export function service(namespace: string, name: string, extra: Pick<V1Service, 'spec' | 'status'>): V1Service {
  return { metadata: { namespace, name }, ...extra };
}

export function secretGrant(namespace: string, fromNamespace: string, secretName?: string): ReferenceGrant {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { namespace, name: `gateways-from-${fromNamespace}` },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: fromNamespace }],
      to: [{ group: '', kind: 'Secret', ...(secretName === undefined ? {} : { name: secretName }) }],
    },
  };
}

let certificate: Promise<{ certPem: string; keyPem: string }> | undefined;

/** A self-signed certificate with its key (PEM), made once. */
export function selfSigned(): Promise<{ certPem: string; keyPem: string }> {
  certificate ??= createCa({ commonName: 'example.com', validForMs: 86_400_000, now: Date.parse('2025-01-01T00:00:00Z') });
  return certificate;
}

/** Conditions of a status as `type=status/reason`, sorted by type as the status has them. */
export function summary(conditions: readonly { type: string; status: string; reason: string }[]): string[] {
  return conditions.map((c) => `${c.type}=${c.status}/${c.reason}`);
}
