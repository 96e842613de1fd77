// Decides what the webhook's TLS material should be next, from what the Secret holds now: nothing to
// do, a new serving certificate, a new CA, or everything from scratch. Pure apart from key
// generation (async, hence the Promise); the time comes in as an argument. The cert keeper reads and writes; this decides.
import {
  certificateSans, certificateValidity, createCa, fingerprint, isIssuedBy, issueServingCert, keyMatchesCertificate,
  splitPemBundle, canonicalIp, type CertificateAuthority,
} from './certs.js';

/** What the TLS Secret holds. */
export interface TlsMaterial {
  /** The CA that signs new serving certificates. */
  caCertPem: string;
  caKeyPem: string;
  /** Every CA the webhook must trust: the current one first, then older ones not yet expired. */
  caBundlePem: string;
  certPem: string;
  keyPem: string;
}

export interface TlsWanted {
  caCommonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  caValidityMs: number;
  certValidityMs: number;
}

export interface TlsPlan {
  material: TlsMaterial;
  /** Why the material changed (`ca-created`, `ca-rotated`, `cert-renewal`, ...); empty: keep what is there. */
  changes: string[];
}

/** Secret data keys: the kubernetes.io/tls pair plus the CA bundle and the CA key. */
export const SECRET_KEYS = { cert: 'tls.crt', key: 'tls.key', caBundle: 'ca.crt', caKey: 'ca.key' } as const;

/**
 * The next material. `webhookTrusts` says whether the API server already trusts a CA (its
 * certificate is in every webhook's caBundle); undefined when there is no webhook configuration to
 * ask. A serving certificate that still works is moved to a new CA only once the webhook trusts that
 * CA, so no replica serves a certificate the API server cannot verify; one that does not work (gone,
 * expired, wrong names) is replaced at once, since nothing is lost.
 */
export async function planTls(
  current: TlsMaterial | undefined,
  wanted: TlsWanted,
  now: number,
  webhookTrusts?: (caCertPem: string) => boolean,
): Promise<TlsPlan> {
  const ca = current === undefined ? undefined : usableCa(current, now);
  if (current === undefined || ca === undefined) {
    const fresh = await createCa({ commonName: wanted.caCommonName, validForMs: wanted.caValidityMs, now });
    const cert = await issue(fresh, wanted, now);
    return { material: { caCertPem: fresh.certPem, caKeyPem: fresh.keyPem, caBundlePem: fresh.certPem, ...cert }, changes: ['ca-created', 'cert-issued'] };
  }
  const changes: string[] = [];
  let signer = ca;
  let bundle = unexpired(splitPemBundle(current.caBundlePem), now);
  if (!bundle.some((pem) => sameCert(pem, ca.certPem))) bundle = [ca.certPem, ...bundle];
  if (renewalDue(ca.certPem, now)) {
    signer = await createCa({ commonName: wanted.caCommonName, validForMs: wanted.caValidityMs, now });
    bundle = [signer.certPem, ...bundle];
    changes.push('ca-rotated');
  } else if (!sameCert(bundle[0] ?? '', ca.certPem)) {
    bundle = [ca.certPem, ...bundle.filter((pem) => !sameCert(pem, ca.certPem))];
    changes.push('ca-bundle-reordered');
  }
  const caBundlePem = bundle.join('');
  if (caBundlePem !== current.caBundlePem && changes.length === 0) changes.push('expired-ca-dropped');

  let { certPem, keyPem } = current;
  const reason = certProblem(current, bundle, signer, wanted, now);
  if (reason !== undefined) {
    const urgent = reason.urgent;
    const trusted = webhookTrusts === undefined || webhookTrusts(signer.certPem);
    if (urgent || trusted) {
      ({ certPem, keyPem } = await issue(signer, wanted, now));
      changes.push(reason.change);
    }
  }
  return { material: { caCertPem: signer.certPem, caKeyPem: signer.keyPem, caBundlePem, certPem, keyPem }, changes };
}

/** The material stored as Secret data (base64 values). */
export function secretDataFromMaterial(material: TlsMaterial): Record<string, string> {
  const b64 = (text: string): string => Buffer.from(text).toString('base64');
  return {
    [SECRET_KEYS.cert]: b64(material.certPem),
    [SECRET_KEYS.key]: b64(material.keyPem),
    [SECRET_KEYS.caBundle]: b64(material.caBundlePem),
    [SECRET_KEYS.caKey]: b64(material.caKeyPem),
  };
}

/** The material in Secret data, or undefined when a key is missing. The current CA is the bundle's certificate that matches ca.key. */
export function materialFromSecretData(data: Record<string, string> | undefined): TlsMaterial | undefined {
  const text = (key: string): string | undefined => {
    const value = data?.[key];
    return value === undefined || value === '' ? undefined : Buffer.from(value, 'base64').toString();
  };
  const certPem = text(SECRET_KEYS.cert);
  const keyPem = text(SECRET_KEYS.key);
  const caBundlePem = text(SECRET_KEYS.caBundle);
  const caKeyPem = text(SECRET_KEYS.caKey);
  if (certPem === undefined || keyPem === undefined || caBundlePem === undefined || caKeyPem === undefined) return undefined;
  const caCertPem = splitPemBundle(caBundlePem).find((pem) => keyMatchesCertificate(caKeyPem, pem)) ?? '';
  return { caCertPem, caKeyPem, caBundlePem, certPem, keyPem };
}

/** True when the PEM bundle holds `caCertPem` (compared by fingerprint, not by text). */
export function bundleContains(bundlePem: string, caCertPem: string): boolean {
  return splitPemBundle(bundlePem).some((pem) => sameCert(pem, caCertPem));
}

/** A certificate is renewed once less than a third of its lifetime is left. */
export function renewalDue(certPem: string, now: number): boolean {
  const { notBefore, notAfter } = certificateValidity(certPem);
  return now >= notAfter - (notAfter - notBefore) / 3;
}

function usableCa(material: TlsMaterial, now: number): CertificateAuthority | undefined {
  if (material.caCertPem === '' || !keyMatchesCertificate(material.caKeyPem, material.caCertPem)) return undefined;
  try {
    if (certificateValidity(material.caCertPem).notAfter <= now) return undefined;
  } catch {
    return undefined;
  }
  return { certPem: material.caCertPem, keyPem: material.caKeyPem };
}

function certProblem(
  current: TlsMaterial, bundle: string[], signer: CertificateAuthority, wanted: TlsWanted, now: number,
): { change: string; urgent: boolean } | undefined {
  try {
    if (!keyMatchesCertificate(current.keyPem, current.certPem)) return { change: 'cert-key-mismatch', urgent: true };
    if (certificateValidity(current.certPem).notAfter <= now) return { change: 'cert-expired', urgent: true };
    if (!sameNames(current.certPem, wanted)) return { change: 'cert-names-changed', urgent: true };
    if (!bundle.some((ca) => isIssuedBy(current.certPem, ca))) return { change: 'cert-untrusted', urgent: true };
    if (renewalDue(current.certPem, now)) return { change: 'cert-renewal', urgent: false };
    if (!isIssuedBy(current.certPem, signer.certPem)) return { change: 'cert-moved-to-new-ca', urgent: false };
    return undefined;
  } catch {
    return { change: 'cert-unreadable', urgent: true };
  }
}

function sameNames(certPem: string, wanted: TlsWanted): boolean {
  const have = certificateSans(certPem);
  const set = (items: string[]): string => [...new Set(items)].sort().join(',');
  return set(have.dnsNames) === set(wanted.dnsNames) && set(have.ipAddresses) === set(wanted.ipAddresses.map(canonicalIp));
}

function issue(ca: CertificateAuthority, wanted: TlsWanted, now: number): Promise<{ certPem: string; keyPem: string }> {
  return issueServingCert(ca, { dnsNames: wanted.dnsNames, ipAddresses: wanted.ipAddresses, validForMs: wanted.certValidityMs, now });
}

function unexpired(pems: string[], now: number): string[] {
  const seen = new Set<string>();
  return pems.filter((pem) => {
    try {
      const id = fingerprint(pem);
      if (seen.has(id) || certificateValidity(pem).notAfter <= now) return false;
      seen.add(id);
      return true;
    } catch {
      return false;
    }
  });
}

function sameCert(a: string, b: string): boolean {
  try {
    return fingerprint(a) === fingerprint(b);
  } catch {
    return false;
  }
}
