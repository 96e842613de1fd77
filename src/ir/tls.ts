// TLS material as the gateway will carry it: a certificate chain and its private key, taken from a
// kubernetes.io/tls Secret. The key is secret material: log it only through `redact()`.
export interface TlsCertificateIR {
  /** The Secret's name. */
  name: string;
  namespace: string;
  /** PEM, leaf first then intermediates (the Secret's `tls.crt`). */
  certificatePem: string;
  /** PEM (the Secret's `tls.key`). Never logged: `redact()` replaces it. */
  privateKeyPem: string;
}
