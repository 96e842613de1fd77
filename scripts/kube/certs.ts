// The PKI a local API server needs, made with the openssl CLI (Debian's, on every machine we use):
// a CA, the API server's serving cert for 127.0.0.1/localhost, an admin client cert in
// system:masters, and the service-account signing key pair. Written into one directory.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface KubePki {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
}

export async function makePki(dir: string): Promise<KubePki> {
  const p = (name: string): string => join(dir, name);
  const pki: KubePki = {
    dir,
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    serverCert: p('apiserver.crt'),
    serverKey: p('apiserver.key'),
    adminCert: p('admin.crt'),
    adminKey: p('admin.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
  };
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', pki.caKey,
    '-out', pki.caCert, '-days', '3650', '-subj', '/CN=sidelane-test-ca']);
  await signed(pki, 'apiserver', '/CN=kube-apiserver', 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth');
  await signed(pki, 'admin', '/O=system:masters/CN=sidelane-admin', 'extendedKeyUsage=clientAuth');
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', pki.saKey]);
  await openssl(['pkey', '-in', pki.saKey, '-pubout', '-out', pki.saPub]);
  return pki;
}

async function signed(pki: KubePki, name: string, subject: string, extensions: string): Promise<void> {
  const key = join(pki.dir, `${name}.key`);
  const csr = join(pki.dir, `${name}.csr`);
  const ext = join(pki.dir, `${name}.ext`);
  await writeFile(ext, `${extensions}\n`);
  await openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', subject]);
  await openssl(['x509', '-req', '-in', csr, '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial', '-out', join(pki.dir, `${name}.crt`),
    '-days', '3650', '-extfile', ext]);
}

async function openssl(args: string[]): Promise<void> {
  try {
    await exec('openssl', args);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('openssl is not installed: apt-get install openssl');
    throw new Error(`openssl ${args[0] ?? ''} failed: ${e.stderr ?? e.message}`);
  }
}
