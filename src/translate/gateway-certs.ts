// A Terminate listener's certificateRefs → the certificates the gateway serves. Each reference must
// be a core Secret the Gateway may read (same namespace, or a ReferenceGrant), of type
// kubernetes.io/tls, whose tls.crt and tls.key parse and belong together: a broken Secret is
// reported here rather than failing TLS handshakes later. Messages name Secrets, never contents.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import type { GatewayTLSConfig } from '../api/gateway/index.js';
import type { GatewayRef, TlsCertificateIR } from '../ir/index.js';
import { GATEWAY_API_GROUP } from './gateway-allowed-routes.js';
import { GatewayReason } from './gateway-findings.js';
import { referenceGrantAllows, type ReferenceGrantIndex } from './referencegrant.js';

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

export interface CertificateContext {
  gateway: GatewayRef;
  /** Secrets by `namespace/name`. */
  secrets: ReadonlyMap<string, V1Secret>;
  grants: ReferenceGrantIndex;
}

export interface CertificateProblem {
  reason: string;
  message: string;
}

export interface CertificatesOutcome {
  /** The references that resolved, in certificateRefs order. */
  certificates: TlsCertificateIR[];
  problems: CertificateProblem[];
}

type CertificateRef = NonNullable<GatewayTLSConfig['certificateRefs']>[number];

export function resolveCertificates(refs: readonly CertificateRef[] | undefined, ctx: CertificateContext): CertificatesOutcome {
  const out: CertificatesOutcome = { certificates: [], problems: [] };
  if (!refs || refs.length === 0) {
    out.problems.push({
      reason: GatewayReason.InvalidCertificateRef,
      message: 'TLS mode Terminate needs at least one certificateRef, and there is none',
    });
    return out;
  }
  refs.forEach((ref, i) => {
    const result = resolveOne(ref, i, ctx);
    if ('reason' in result) out.problems.push(result);
    else out.certificates.push(result);
  });
  return out;
}

function resolveOne(ref: CertificateRef, i: number, ctx: CertificateContext): TlsCertificateIR | CertificateProblem {
  const group = ref.group === 'core' ? '' : (ref.group ?? '');
  const kind = ref.kind ?? 'Secret';
  const namespace = ref.namespace ?? ctx.gateway.namespace;
  const label = `certificateRefs[${i}] (${kind} ${namespace}/${ref.name})`;
  const invalid = (why: string): CertificateProblem => ({ reason: GatewayReason.InvalidCertificateRef, message: `${label}: ${why}` });

  // The spec: InvalidCertificateRef only for references that are allowed; RefNotPermitted first.
  const allowed = referenceGrantAllows(ctx.grants, {
    fromGroup: GATEWAY_API_GROUP,
    fromKind: 'Gateway',
    fromNamespace: ctx.gateway.namespace,
    toGroup: group,
    toKind: kind,
    toNamespace: namespace,
    toName: ref.name,
  });
  if (!allowed) {
    return {
      reason: GatewayReason.RefNotPermitted,
      message: `${label}: the object is in another namespace and no ReferenceGrant in ${namespace} lets Gateways of ${ctx.gateway.namespace} use it`,
    };
  }
  if (group !== '' || kind !== 'Secret') {
    return invalid(`${group || 'core'}/${kind} is not supported; Sidelane reads certificates from core Secrets`);
  }
  const secret = ctx.secrets.get(`${namespace}/${ref.name}`);
  if (!secret) return invalid('the Secret does not exist');
  if (secret.type !== TLS_SECRET_TYPE) {
    return invalid(`the Secret has type ${secret.type ?? 'Opaque'}; a certificate Secret must have type ${TLS_SECRET_TYPE}`);
  }
  const certificatePem = decoded(secret, 'tls.crt');
  const privateKeyPem = decoded(secret, 'tls.key');
  if (certificatePem === undefined || privateKeyPem === undefined) {
    const missing = [certificatePem === undefined ? 'tls.crt' : undefined, privateKeyPem === undefined ? 'tls.key' : undefined]
      .filter((k) => k !== undefined)
      .join(' and ');
    return invalid(`the Secret has no ${missing}`);
  }
  const problem = checkKeyPair(certificatePem, privateKeyPem);
  if (problem !== undefined) return invalid(problem);
  return { name: ref.name, namespace, certificatePem, privateKeyPem };
}

/** A data key as text (the API server serves Secret data base64-encoded); undefined when absent or empty. */
function decoded(secret: V1Secret, key: string): string | undefined {
  const b64 = secret.data?.[key];
  if (b64 === undefined || b64 === '') return undefined;
  const text = Buffer.from(b64, 'base64').toString('utf8');
  return text.trim() === '' ? undefined : text;
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Why the pair is unusable, or undefined. Says what is wrong, never what the bytes are. */
export function checkKeyPair(certificatePem: string, privateKeyPem: string): string | undefined {
  const blocks = certificatePem.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) return 'tls.crt holds no PEM certificate';
  let leaf: X509Certificate | undefined;
  for (const [i, block] of blocks.entries()) {
    try {
      const cert = new X509Certificate(block);
      leaf ??= cert;
    } catch {
      return `tls.crt: certificate ${i + 1} of ${blocks.length} does not parse`;
    }
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: privateKeyPem, format: 'pem' });
  } catch {
    return 'tls.key is not an unencrypted PEM private key';
  }
  if (leaf && !leaf.checkPrivateKey(key)) return 'tls.key is not the private key of the first certificate in tls.crt';
  return undefined;
}
