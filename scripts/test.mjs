// Runs every test file under test/ with Node's built-in runner. Node 20 does not expand globs
// given to --test (21+ does), so the files are listed here. Extra arguments are passed through,
// e.g. `npm run test:unit -- --test-name-pattern=golden`.
//
// Integration tests need a real Kubernetes API server: one is started here for the whole run
// (scripts/kube/up.ts, which downloads or builds kube-apiserver and etcd the first time) and its
// kubeconfig is handed to the tests in SIDELANE_TEST_KUBECONFIG. The chart tests need helm: it is
// found or built meanwhile (scripts/helm/ensure.ts) and handed over in SIDELANE_HELM.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';

const root = 'test';
const files = readdirSync(root, { recursive: true, withFileTypes: false })
  .map((f) => join(root, String(f)))
  .filter((f) => f.endsWith('.test.ts'))
  .sort();
if (files.length === 0) {
  console.error('no test files found under test/');
  process.exit(1);
}

// System programs first (iptables, iproute2…): a missing one stops the run with what to install.
const prereqs = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/test-prereqs.ts'], { stdio: 'inherit' });
if (prereqs.status !== 0) process.exit(prereqs.status ?? 1);

const helmReady = prepareHelm();
const kube = await startKube();
const helm = await helmReady;
if (helm === undefined) {
  console.error('could not provide helm v4 for the chart tests (see the messages above)');
  await kube.stop();
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...process.argv.slice(2), ...files],
  { stdio: 'inherit', env: { ...process.env, SIDELANE_TEST_KUBECONFIG: kube.kubeconfig, SIDELANE_HELM: helm } },
);
await kube.stop();
process.exit(result.status ?? 1);

/** Resolves with helm's path, or undefined when it could not be found or built. */
function prepareHelm() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/helm/ensure.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let path = '';
  child.stdout.on('data', (chunk) => { path += chunk; });
  return new Promise((resolve) => {
    child.once('exit', (code) => { resolve(code === 0 ? path.trim() : undefined); });
  });
}

async function startKube() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/kube/up.ts', '--json'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const first = await new Promise((resolve) => {
    const lines = createInterface(child.stdout);
    lines.once('line', resolve);
    child.once('exit', () => resolve(undefined));
  });
  if (first === undefined) {
    console.error('could not start the Kubernetes API server the integration tests need (see the messages above)');
    process.exit(1);
  }
  const info = JSON.parse(first);
  console.error(`tests use kube-apiserver at ${info.server} (KUBECONFIG=${info.kubeconfig})`);
  return {
    kubeconfig: info.kubeconfig,
    stop: async () => {
      child.stdin.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
