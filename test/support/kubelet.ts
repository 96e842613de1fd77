// The end-to-end tests play the kubelet: a pod the API server stored (after the injector mutated it)
// is run in a network namespace the way a node would run it. Init containers in order, a native
// sidecar (restartPolicy Always) started and awaited on its startup probe before the next one, then
// the app containers; env from the downward API, the projected service-account token written where
// the container mounts it, each container as its securityContext's user. Container images are not
// pulled: every container here runs the `sidelane` command from this checkout.
import { type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CoreV1Api, type V1Container, type V1EnvVar, type V1Pod } from '@kubernetes/client-node';
import type { KubeEnv } from './kube.js';

/** Where a pod's containers run: a network namespace with the pod's address. */
export interface PodSandbox {
  readonly ip: string;
  spawn(command: string, args: string[], options: { uid?: number; gid?: number; env: NodeJS.ProcessEnv }): ChildProcess;
}

export interface RunningContainer {
  name: string;
  process: ChildProcess;
  /** Everything it wrote (stdout and stderr), for a failing test's message. */
  output(): string;
}

export interface RunningPod {
  pod: V1Pod;
  containers: RunningContainer[];
  /** Stops app containers first, then sidecars, as the kubelet does for native sidecars. */
  stop(): Promise<void>;
  logs(): string;
}

const SIDELANE_BIN = resolve('bin/sidelane.js');

/** Runs a stored pod in `sandbox`: the kubelet's part, from init containers to app containers. */
export async function runPod(kube: KubeEnv, pod: V1Pod, sandbox: PodSandbox, workDir: string): Promise<RunningPod> {
  const containers: RunningContainer[] = [];
  const running: RunningPod = {
    pod,
    containers,
    stop: () => stopContainers(containers, pod),
    logs: () => containers.map((c) => `--- ${c.name}\n${c.output()}`).join('\n'),
  };
  try {
    const volumes = await materializeVolumes(kube, pod, workDir);
    for (const container of pod.spec?.initContainers ?? []) {
      const started = start(container, pod, sandbox, volumes);
      containers.push(started);
      if (container.restartPolicy === 'Always') {
        await awaitStartupProbe(container, sandbox, started);
      } else {
        const code = await exitOf(started.process);
        if (code !== 0) throw new Error(`init container ${container.name} exited with ${String(code)}:\n${started.output()}`);
      }
    }
    for (const container of pod.spec?.containers ?? []) containers.push(start(container, pod, sandbox, volumes));
    return running;
  } catch (err) {
    await running.stop();
    throw new Error(`pod ${pod.metadata?.name ?? '?'}: ${err instanceof Error ? err.message : String(err)}\n${running.logs()}`);
  }
}

/** mountPath → a directory standing in for the volume (only what the tests' pods use). */
type Volumes = Map<string, string>;

async function materializeVolumes(kube: KubeEnv, pod: V1Pod, workDir: string): Promise<Volumes> {
  const byName = new Map<string, string>();
  for (const volume of pod.spec?.volumes ?? []) {
    const dir = join(workDir, pod.metadata?.name ?? 'pod', volume.name);
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o755);
    for (const source of volume.projected?.sources ?? []) {
      const request = source.serviceAccountToken;
      if (!request) continue;
      const token = await podToken(kube, pod, request.audience ?? '', request.expirationSeconds ?? 3600);
      const file = join(dir, request.path);
      await writeFile(file, token, { mode: 0o600 });
      // The kubelet makes projected tokens readable by the container's user.
      const uid = proxyUser(pod);
      if (uid !== undefined) await chown(file, uid, uid);
    }
    byName.set(volume.name, dir);
  }
  const mounts: Volumes = new Map();
  for (const container of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const mount of container.volumeMounts ?? []) {
      const dir = byName.get(mount.name);
      if (dir !== undefined) mounts.set(mount.mountPath, dir);
    }
  }
  return mounts;
}

function proxyUser(pod: V1Pod): number | undefined {
  const sidecar = (pod.spec?.initContainers ?? []).find((c) => c.restartPolicy === 'Always');
  return sidecar?.securityContext?.runAsUser;
}

/** A TokenRequest bound to the pod, as the kubelet makes for a projected serviceAccountToken. */
async function podToken(kube: KubeEnv, pod: V1Pod, audience: string, expirationSeconds: number): Promise<string> {
  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  const answer = await core.createNamespacedServiceAccountToken({
    name: pod.spec?.serviceAccountName ?? 'default',
    namespace: pod.metadata?.namespace ?? 'default',
    body: {
      spec: {
        audiences: audience === '' ? [] : [audience],
        expirationSeconds,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
      },
    },
  });
  return answer.status?.token ?? '';
}

function start(container: V1Container, pod: V1Pod, sandbox: PodSandbox, volumes: Volumes): RunningContainer {
  const [command, ...rest] = [...(container.command ?? []), ...(container.args ?? [])].map((word) => mapPaths(word, volumes));
  if (command !== 'sidelane') throw new Error(`container ${container.name}: only the sidelane command can run here, not ${String(command)}`);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: '/tmp', NODE_OPTIONS: process.env.NODE_OPTIONS };
  for (const variable of container.env ?? []) env[variable.name] = mapPaths(envValue(variable, pod, sandbox.ip), volumes);
  const uid = container.securityContext?.runAsUser;
  const gid = container.securityContext?.runAsGroup ?? uid;
  const child = sandbox.spawn(process.execPath, [SIDELANE_BIN, ...rest], {
    env,
    ...(uid !== undefined && uid !== 0 ? { uid } : {}),
    ...(gid !== undefined && gid !== 0 ? { gid } : {}),
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    // Bounded: a chatty container must not grow the test's memory without end.
    output = (output + chunk.toString('utf8')).slice(-64 * 1024);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name: container.name, process: child, output: () => output };
}

function mapPaths(word: string, volumes: Volumes): string {
  for (const [mountPath, dir] of volumes) {
    if (word === mountPath || word.startsWith(`${mountPath}/`)) return dir + word.slice(mountPath.length);
  }
  return word;
}

function envValue(variable: V1EnvVar, pod: V1Pod, podIp: string): string {
  if (variable.value !== undefined) return variable.value;
  const path = variable.valueFrom?.fieldRef?.fieldPath;
  switch (path) {
    case 'metadata.name': return pod.metadata?.name ?? '';
    case 'metadata.namespace': return pod.metadata?.namespace ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? 'default';
    case 'spec.nodeName': return pod.spec?.nodeName ?? 'e2e-node';
    case 'status.podIP': return podIp;
    case 'status.podIPs': return podIp;
    case undefined: return '';
    default: throw new Error(`env ${variable.name}: fieldRef ${path} is not played by this test kubelet`);
  }
}

async function awaitStartupProbe(container: V1Container, sandbox: PodSandbox, started: RunningContainer): Promise<void> {
  const probe = container.startupProbe?.httpGet;
  if (!probe) return;
  const url = `http://${sandbox.ip}:${String(probe.port)}${probe.path ?? '/'}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (started.process.exitCode !== null) throw new Error(`${container.name} exited (${String(started.process.exitCode)}) before its startup probe passed`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${container.name}: startup probe ${url} did not pass within 30 s`);
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => { resolve(code); }));
}

async function stopContainers(containers: RunningContainer[], pod: V1Pod): Promise<void> {
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const apps = containers.filter((c) => !sidecars.has(c.name));
  // A preStop sleep (the `sleep` lifecycle action) runs before SIGTERM: the time users give the
  // endpoint update to reach every proxy before the app stops listening.
  const preStopMs = (name: string): number => 1000 * ((pod.spec?.containers ?? []).find((c) => c.name === name)?.lifecycle?.preStop?.sleep?.seconds ?? 0);
  await Promise.all(apps.map(async (app) => {
    await new Promise((r) => setTimeout(r, preStopMs(app.name)));
    await terminate(app);
  }));
  await Promise.all(containers.filter((c) => sidecars.has(c.name)).map(terminate));
}

async function terminate(container: RunningContainer): Promise<void> {
  const child = container.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = exitOf(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
