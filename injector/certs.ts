// The webhook's own small PKI: a self-signed CA and the serving certificate it signs for the
// injector's Service name (and, in tests, 127.0.0.1). node:crypto makes the RSA keys, natively and
// off the event loop (a 2048-bit key can take most of a second); node-forge builds and signs the
// certificates, which node:crypto cannot (forge signs with RSA only). PEM in, PEM out.
import { X509Certificate, createPrivateKey, generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

export interface ServingCertificate {
  certPem: string;
  keyPem: string;
}

export interface CaOptions {
  commonName: string;
  validForMs: number;
  /** Epoch milliseconds the validity starts from. */
  now: number;
}

export interface ServingCertOptions {
  dnsNames: string[];
  ipAddresses: string[];
  validForMs: number;
  now: number;
}

/** How far a certificate is backdated, so a peer whose clock is a little behind accepts it at once. */
function backdateMs(validForMs: number): number {
  return Math.min(60_000, Math.floor(validForMs / 10));
}

export async function createCa(options: CaOptions): Promise<CertificateAuthority> {
  const { keyPem, publicKey } = await rsaKeyPair();
  const cert = newCertificate(publicKey, options.now, options.validForMs);
  const subject = [{ name: 'commonName', value: options.commonName }, { name: 'organizationName', value: 'sidelane' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { certPem: toPem(cert), keyPem };
}

/** A serving certificate signed by `ca`; it never outlives the CA. */
export async function issueServingCert(ca: CertificateAuthority, options: ServingCertOptions): Promise<ServingCertificate> {
  if (options.dnsNames.length === 0 && options.ipAddresses.length === 0) {
    throw new RangeError('a serving certificate needs at least one DNS name or IP address');
  }
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const { keyPem, publicKey } = await rsaKeyPair();
  const cert = newCertificate(publicKey, options.now, options.validForMs);
  if (cert.validity.notAfter > caCert.validity.notAfter) cert.validity.notAfter = caCert.validity.notAfter;
  cert.setSubject([{ name: 'commonName', value: options.dnsNames[0] ?? options.ipAddresses[0] ?? '' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...options.dnsNames.map((value) => ({ type: 2, value })),
        ...options.ipAddresses.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { certPem: toPem(cert), keyPem };
}

/** When the (first) certificate of a PEM text stops being valid. */
export function certificateExpiry(pem: string): Date {
  return new Date(new X509Certificate(pem).validTo);
}

/** notBefore and notAfter of the (first) certificate, in epoch milliseconds. */
export function certificateValidity(pem: string): { notBefore: number; notAfter: number } {
  const cert = new X509Certificate(pem);
  return { notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
}

/** The subject alternative names of the (first) certificate, IPs in canonical form. */
export function certificateSans(pem: string): { dnsNames: string[]; ipAddresses: string[] } {
  const cert = forge.pki.certificateFromPem(pem);
  const ext: { altNames?: { type: number; value?: string; ip?: string }[] } | undefined = cert.getExtension('subjectAltName');
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const name of ext?.altNames ?? []) {
    if (name.type === 2 && name.value !== undefined) dnsNames.push(name.value);
    if (name.type === 7 && name.ip !== undefined) ipAddresses.push(canonicalIp(name.ip));
  }
  return { dnsNames, ipAddresses };
}

/** True when `certPem` was signed by the key of `caCertPem` (and names it as issuer). */
export function isIssuedBy(certPem: string, caCertPem: string): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caCertPem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

/** True when the private key belongs to the certificate. */
export function keyMatchesCertificate(keyPem: string, certPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/** The certificates of a PEM bundle, each as its own PEM text (anything else is dropped). */
export function splitPemBundle(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
}

/** SHA-256 fingerprint of a certificate, to compare certificates whatever their PEM line breaks. */
export function fingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/** 127.0.0.1 stays as is; IPv6 in the compressed lower-case form, so SAN lists compare as sets. */
export function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

const generateRsa = promisify(generateKeyPair);

/** PEM with \n line ends (forge writes \r\n), so bundles split and join without changing a byte. */
function toPem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

async function rsaKeyPair(): Promise<{ keyPem: string; publicKey: forge.pki.rsa.PublicKey }> {
  const pair = await generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { keyPem: pair.privateKey, publicKey: forge.pki.publicKeyFromPem(pair.publicKey) };
}

function newCertificate(publicKey: forge.pki.rsa.PublicKey, now: number, validForMs: number): forge.pki.Certificate {
  if (!(validForMs > 0)) throw new RangeError(`validity must be positive, got ${validForMs} ms`);
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive 128-bit serial: the first byte's top bit cleared, so DER does not read it as negative.
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now - backdateMs(validForMs));
  cert.validity.notAfter = new Date(now + validForMs);
  return cert;
}
