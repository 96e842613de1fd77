// The one self-signed certificate of a gateway benchmark run, made fresh with openssl into the run's
// scratch directory: every TLS-terminating proxy serves this same certificate and key.
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GATEWAY_HOST, type TlsMaterial } from './gateway-configs.js';
import { toolPath } from './tools.js';

export type KeyKind = 'ec' | 'rsa';

/** BENCH_TLS_KEY: `ec` (ECDSA P-256, the default) or `rsa` (RSA 2048). */
export function keyKind(text: string | undefined): KeyKind {
  const kind = (text ?? 'ec').trim();
  if (kind !== 'ec' && kind !== 'rsa') throw new Error(`BENCH_TLS_KEY must be ec or rsa, not ${JSON.stringify(text)}`);
  return kind;
}

/** Writes cert.pem, key.pem and bundle.pem (both, for haproxy) into `dir`. */
export async function generateCertificate(dir: string, kind: KeyKind): Promise<TlsMaterial> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const bundleFile = join(dir, 'bundle.pem');
  const newKey = kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  const args = [
    'req', '-x509', ...newKey, '-nodes', '-sha256', '-days', '2',
    '-keyout', keyFile, '-out', certFile,
    '-subj', `/CN=${GATEWAY_HOST}`,
    '-addext', `subjectAltName=DNS:${GATEWAY_HOST},IP:127.0.0.1`,
  ];
  const result = spawnSync(toolPath('openssl'), args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${result.stderr}`);
  const certPem = await readFile(certFile, 'utf8');
  const keyPem = await readFile(keyFile, 'utf8');
  await writeFile(bundleFile, `${certPem}${keyPem}`, { mode: 0o600 });
  return { certFile, keyFile, bundleFile, certPem, keyPem, description: kind === 'ec' ? 'ECDSA P-256' : 'RSA 2048' };
}
