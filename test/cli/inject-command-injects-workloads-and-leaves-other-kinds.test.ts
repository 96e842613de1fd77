// `sidelane inject`, as a user runs it on a manifest file: pod templates of workloads get the
// sidecar, other kinds come out unchanged (comments too), and bad input fails the whole run with a
// clear message and nothing on stdout, so `| kubectl apply -f -` never applies half a stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import YAML from 'yaml';
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { registerInjectCommand } from '../../src/cli/inject-command.js';
import type { CliIo } from '../../src/cli/io.js';

const MANIFESTS = `# the shop's web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2 # two replicas
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      initContainers:
        - name: wait-for-db
          image: busybox
      containers:
        - name: web
          image: ghcr.io/example/web:1.4.2
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
---
# settings, not a workload: must come out as it went in
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
  namespace: shop
data:
  mode: "fast" # the fast path
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
  namespace: shop
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: ghcr.io/example/report:0.3.1
`;

async function run(args: string[], stdin = ''): Promise<{ code: number | undefined; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  let code: number | undefined;
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), exitCode: (c) => (code = c) };
  const program = new Command('sidelane').exitOverride();
  registerInjectCommand(program, io, () => Promise.resolve(stdin));
  await program.parseAsync(['inject', ...args], { from: 'user' });
  return { code, out: out.join(''), err };
}

function initNames(template: V1PodTemplateSpec | undefined): string[] {
  return (template?.spec?.initContainers ?? []).map((c) => c.name);
}

async function withDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-inject-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a Deployment and a CronJob get the sidecar; the ConfigMap and the comments come out unchanged', async () => {
  const r = await run(['-f', '-'], MANIFESTS);
  assert.equal(r.code, 0, r.err.join('\n'));
  const docs = YAML.parseAllDocuments(r.out).map((d) => d.toJS() as Record<string, unknown>);
  assert.deepEqual(docs.map((d) => d.kind), ['Deployment', 'ConfigMap', 'CronJob']);

  const deployment = docs[0] as { spec: { replicas: number; template: V1PodTemplateSpec } };
  assert.deepEqual(initNames(deployment.spec.template), ['sidelane-init', 'sidelane-proxy', 'wait-for-db']);
  assert.deepEqual(deployment.spec.template.spec?.volumes?.map((v) => v.name), ['sidelane-token']);
  assert.deepEqual(deployment.spec.template.metadata?.annotations, { 'sidelane.io/status': 'injected' });
  assert.deepEqual(deployment.spec.template.spec.containers[0]?.readinessProbe, { httpGet: { path: '/ready', port: 8080 } });
  assert.equal(deployment.spec.replicas, 2);

  const original = YAML.parseAllDocuments(MANIFESTS).map((d) => d.toJS() as unknown);
  assert.deepEqual(docs[1], original[1], 'the ConfigMap is unchanged');
  const configMap = MANIFESTS.slice(MANIFESTS.indexOf('---\n# settings'), MANIFESTS.indexOf('---\napiVersion: batch/v1'));
  assert.ok(r.out.includes(configMap), 'the ConfigMap is copied byte for byte, comments included');
  const cron = docs[2] as { spec: { jobTemplate: { spec: { template: V1PodTemplateSpec } } } };
  assert.deepEqual(initNames(cron.spec.jobTemplate.spec.template), ['sidelane-init', 'sidelane-proxy']);
  assert.equal(cron.spec.jobTemplate.spec.template.spec?.restartPolicy, 'OnFailure');

  assert.match(r.out, /^# the shop's web tier\n/);
  assert.match(r.out, /replicas: 2 # two replicas/);
  assert.match(r.out, /mode: "fast" # the fast path/);
  assert.doesNotMatch(r.out, /[&*]a\d/, 'no YAML anchors or aliases');
});

test('running it twice changes nothing the second time', async () => {
  const once = await run(['-f', '-'], MANIFESTS);
  const twice = await run(['-f', '-'], once.out);
  assert.equal(twice.code, 0);
  assert.equal(twice.out, once.out);
  assert.ok(twice.err.some((line) => /left unchanged: the pod template of Deployment shop\/web already has a sidelane-proxy container/.test(line)));
});

test('--config and -o: the config image is used and the result goes to the file', async () => {
  await withDir(async (dir) => {
    const input = join(dir, 'in.yaml');
    const config = join(dir, 'injector.yaml');
    const output = join(dir, 'out.yaml');
    await writeFile(input, MANIFESTS);
    await writeFile(config, 'image: registry.local/sidelane:dev\nlogLevel: debug\n');
    const r = await run(['-f', input, '--config', config, '-o', output]);
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.equal(r.out, '');
    const written = await readFile(output, 'utf8');
    assert.match(written, /image: registry\.local\/sidelane:dev/);
    assert.doesNotMatch(written, /ghcr\.io\/sidelane/);
  });
});

test('opted-out and kube-system workloads are left unchanged with a note', async () => {
  const text = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  template:
    spec:
      containers: [{name: agent, image: agent}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    metadata: {labels: {sidelane.io/inject: "false"}}
    spec:
      containers: [{name: once, image: once}]
`;
  const r = await run(['-f', '-'], text);
  assert.equal(r.code, 0);
  assert.equal(r.out, text, 'byte for byte');
  assert.deepEqual(r.err, [
    '(stdin) document 1: left unchanged: the pod template of DaemonSet kube-system/agent: namespace kube-system is never injected',
    '(stdin) document 2: left unchanged: the pod template of Job default/once: label sidelane.io/inject is "false"',
  ]);
});

test('bad input fails the run with a clear message and nothing on stdout', async () => {
  const cases: [string, RegExp][] = [
    ['kind: [unclosed', /\(stdin\) document 1: not YAML/],
    ['just a string', /\(stdin\) document 1: not a Kubernetes object \(no apiVersion and kind\)/],
    ['', /\(stdin\): no Kubernetes objects/],
    ['apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1}\n', /Deployment default\/web has no spec\.template/],
    [
      `${MANIFESTS}---\napiVersion: v1\nkind: Pod\nmetadata: {name: bad, annotations: {sidelane.io/exclude-inbound-ports: "http"}}\nspec: {containers: [{name: a}]}\n`,
      /\(stdin\) document 4: Pod default\/bad not injected: annotation sidelane\.io\/exclude-inbound-ports: "http" is not a port/,
    ],
  ];
  for (const [input, message] of cases) {
    const r = await run(['-f', '-'], input);
    assert.equal(r.code, 1, input);
    assert.equal(r.out, '', `nothing on stdout for ${JSON.stringify(input)}`);
    assert.match(r.err.join('\n'), message);
    assert.equal(r.err.at(-1), 'error: nothing written: fix the objects above and run again');
  }
});

test('an unreadable file or a bad config exits 1 with the reason', async () => {
  const missing = await run(['-f', '/nonexistent/manifests.yaml']);
  assert.equal(missing.code, 1);
  assert.match(missing.err[0] ?? '', /^error: cannot read \/nonexistent\/manifests\.yaml: ENOENT/);
  await withDir(async (dir) => {
    const config = join(dir, 'injector.yaml');
    await writeFile(config, 'image: ""\nlogLevel: loud\n');
    const r = await run(['-f', '-', '--config', config], MANIFESTS);
    assert.equal(r.code, 1);
    assert.match(r.err[0] ?? '', /^error: invalid injector config .*injector\.yaml:\n {2}image: must be a non-empty string[\s\S]*logLevel:/);
  });
});

test('a v1 List of workloads has each item injected', async () => {
  const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }] } }, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }] };
  const r = await run(['-f', '-'], YAML.stringify(list));
  assert.equal(r.code, 0, r.err.join('\n'));
  const out = YAML.parse(r.out) as { items: [{ spec: { initContainers: { name: string }[] } }, unknown] };
  assert.deepEqual(out.items[0].spec.initContainers.map((c) => c.name), ['sidelane-init', 'sidelane-proxy']);
  assert.deepEqual(out.items[1], list.items[1]);
});

test('the real `sidelane inject` reads standard input', () => {
  const r = spawnSync(process.execPath, ['bin/sidelane.js', 'inject', '-f', '-'], { input: MANIFESTS, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(YAML.parseAllDocuments(r.stdout).length, 3);
  assert.match(r.stdout, /name: sidelane-proxy/);
});
