// Finds or provides the kube-apiserver and etcd binaries the tests and `npm run kube:up` run:
// an explicit directory, then the per-version cache, then the official downloads, then a build
// from the Go module proxy (scripts/kube/build-binaries.sh). Only the first run on a machine pays.
import { spawn } from 'node:child_process';
import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withLock } from './lock.js';

/** Kubernetes 1.34: the newest 1.34 patch the Go module proxy serves. */
export const KUBE_VERSION = 'v1.34.4';
/** The etcd Kubernetes 1.34.4 pins (its go.mod), used for the official download. */
export const ETCD_VERSION = 'v3.6.4';

export interface KubeBinaries {
  apiserver: string;
  etcd: string;
}

export type Progress = (message: string) => void;

export function kubeCacheDir(version = KUBE_VERSION): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'sidelane', 'kube', version);
}

export async function ensureKubeBinaries(progress: Progress = () => undefined): Promise<KubeBinaries> {
  const explicit = process.env.SIDELANE_KUBE_BIN_DIR;
  if (explicit !== undefined && explicit !== '') {
    const found = await present(explicit);
    if (!found) throw new Error(`SIDELANE_KUBE_BIN_DIR=${explicit} lacks kube-apiserver or etcd`);
    return found;
  }
  const dir = kubeCacheDir();
  const cached = await present(dir);
  if (cached) return cached;
  await mkdir(dirname(dir), { recursive: true });
  // Test files run in parallel processes: one builds, the others wait for it.
  return withLock(`${dir}.lock`, async () => {
    const again = await present(dir);
    if (again) return again;
    try {
      progress(`downloading kube-apiserver ${KUBE_VERSION} and etcd ${ETCD_VERSION}`);
      await download(dir);
    } catch (err) {
      progress(`download failed (${(err as Error).message}); building from the Go module proxy, which takes several minutes once`);
      await build(dir, progress);
    }
    const built = await present(dir);
    if (!built) throw new Error(`kube binaries missing in ${dir} after setup`);
    return built;
  });
}

async function present(dir: string): Promise<KubeBinaries | undefined> {
  const apiserver = join(dir, 'kube-apiserver');
  const etcd = join(dir, 'etcd');
  const ok = await Promise.all([apiserver, etcd].map((p) => stat(p).then((s) => s.isFile(), () => false)));
  return ok.every(Boolean) ? { apiserver, etcd } : undefined;
}

async function download(dir: string): Promise<void> {
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const partial = `${dir}.download`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const apiserver = await fetchBytes(`https://dl.k8s.io/release/${KUBE_VERSION}/bin/linux/${arch}/kube-apiserver`);
  await writeFile(join(partial, 'kube-apiserver'), apiserver);
  const tarball = join(partial, 'etcd.tar.gz');
  const name = `etcd-${ETCD_VERSION}-linux-${arch}`;
  await writeFile(tarball, await fetchBytes(`https://github.com/etcd-io/etcd/releases/download/${ETCD_VERSION}/${name}.tar.gz`));
  await run('tar', ['-xzf', tarball, '-C', partial, '--strip-components=1', `${name}/etcd`]);
  await rm(tarball);
  await Promise.all(['kube-apiserver', 'etcd'].map((f) => chmod(join(partial, f), 0o755)));
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
}

async function fetchBytes(url: string): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

async function build(dir: string, progress: Progress): Promise<void> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'build-binaries.sh');
  await run('bash', [script, KUBE_VERSION, dir], progress);
}

function run(command: string, args: string[], progress?: Progress): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', (c: Buffer) => {
      keep(c);
      progress?.(c.toString().trim());
    });
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited ${String(code)}:\n${tail}`));
    });
  });
}
