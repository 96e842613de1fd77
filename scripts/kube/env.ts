// A real Kubernetes control plane on loopback, as controller-runtime's envtest makes it: etcd and
// kube-apiserver with generated certificates, an admin kubeconfig, and (optionally) the Gateway API
// CRDs. No controller-manager, scheduler or kubelet: callers create what those would.
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureKubeBinaries, type KubeBinaries, type Progress } from './binaries.js';
import { makePki, type KubePki } from './certs.js';
import { installGatewayApiCrds, type CrdChannel } from './crds.js';
import { freePort, ManagedProcess } from './processes.js';

export interface KubeEnvOptions {
  /** Gateway API v1.6.1 CRDs to install; default 'standard'. */
  crds?: CrdChannel | 'none';
  progress?: Progress;
  /** Keep the data directory (certs, kubeconfig, etcd) after stop; default false. */
  keep?: boolean;
}

export interface LocalKube {
  kubeconfigPath: string;
  server: string;
  dir: string;
  /** Stops and starts kube-apiserver alone (etcd and its data stay), as a control-plane upgrade does. */
  restartApiServer(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalKube(options: KubeEnvOptions = {}): Promise<LocalKube> {
  const progress = options.progress ?? (() => undefined);
  const binaries = await ensureKubeBinaries(progress);
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-kube-'));
  const pki = await makePki(dir);
  const etcdPort = await freePort();
  const etcdPeerPort = await freePort();
  const apiPort = await freePort();
  const etcd = startEtcd(binaries, dir, etcdPort, etcdPeerPort);
  let apiserver: ManagedProcess | undefined;
  const stopAll = async (): Promise<void> => {
    await apiserver?.stop();
    await etcd.stop();
    if (options.keep !== true) await rm(dir, { recursive: true, force: true });
  };
  try {
    const server = `https://127.0.0.1:${apiPort}`;
    apiserver = startApiServer(binaries, pki, etcdPort, apiPort);
    await waitReady(server, pki, () => [etcd, apiserver].filter((p): p is ManagedProcess => p !== undefined));
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, await kubeconfig(server, pki), { mode: 0o600 });
    const crds = options.crds ?? 'standard';
    if (crds !== 'none') {
      progress(`installing Gateway API CRDs (${crds})`);
      await installGatewayApiCrds(kubeconfigPath, crds);
    }
    return {
      kubeconfigPath,
      server,
      dir,
      restartApiServer: async () => {
        await apiserver?.stop();
        apiserver = startApiServer(binaries, pki, etcdPort, apiPort);
        await waitReady(server, pki, () => [etcd, apiserver].filter((p): p is ManagedProcess => p !== undefined));
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function startEtcd(b: KubeBinaries, dir: string, port: number, peerPort: number): ManagedProcess {
  const client = `http://127.0.0.1:${port}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return new ManagedProcess('etcd', b.etcd, [
    '--name=default', `--data-dir=${join(dir, 'etcd')}`, `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=default=${peer}`,
    '--unsafe-no-fsync', '--log-level=warn', '--quota-backend-bytes=8589934592',
  ]);
}

function startApiServer(b: KubeBinaries, pki: KubePki, etcdPort: number, port: number): ManagedProcess {
  return new ManagedProcess('kube-apiserver', b.apiserver, [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
    `--secure-port=${port}`, `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`, '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`,
    '--authorization-mode=RBAC', '--service-cluster-ip-range=10.96.0.0/16', '--allow-privileged=true',
    // No controller-manager creates the `default` ServiceAccount, so the admission plugin that
    // requires it would refuse every Pod (envtest turns it off for the same reason).
    '--disable-admission-plugins=ServiceAccount',
    `--cert-dir=${join(pki.dir, 'apiserver-certs')}`, '--v=0',
  ]);
}

async function waitReady(server: string, pki: KubePki, processes: () => ManagedProcess[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const tls = { ca: await readFile(pki.caCert), cert: await readFile(pki.adminCert), key: await readFile(pki.adminKey) };
  for (;;) {
    const dead = processes().find((p) => !p.running);
    if (dead) throw new Error(`${dead.name} exited during start-up:\n${dead.output}`);
    const status = await new Promise<number>((resolve) => {
      const req = request(`${server}/readyz`, { ...tls, timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => { resolve(0); });
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`kube-apiserver not ready after ${timeoutMs} ms:\n${processes().map((p) => p.output).join('\n')}`);
    await sleep(250);
  }
}

async function kubeconfig(server: string, pki: KubePki): Promise<string> {
  const b64 = async (path: string): Promise<string> => (await readFile(path)).toString('base64');
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sidelane-local', cluster: { server, 'certificate-authority-data': await b64(pki.caCert) } }],
    users: [{ name: 'admin', user: { 'client-certificate-data': await b64(pki.adminCert), 'client-key-data': await b64(pki.adminKey) } }],
    contexts: [{ name: 'sidelane-local', context: { cluster: 'sidelane-local', user: 'admin' } }],
    'current-context': 'sidelane-local',
  }, null, 2);
}
