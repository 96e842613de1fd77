// `npm run kube:up`: a local Kubernetes API server (etcd + kube-apiserver, Gateway API CRDs) for a
// person to point `sidelane controller` or kubectl at. Prints the kubeconfig path and waits for
// Ctrl-C. With --json it prints one JSON line instead (scripts/test.mjs uses that).
import { startLocalKube } from './env.js';
import type { CrdChannel } from './crds.js';
import { KUBE_VERSION } from './binaries.js';

const json = process.argv.includes('--json');
const channel: CrdChannel = process.argv.includes('--experimental') ? 'experimental' : 'standard';
const say = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

const kube = await startLocalKube({ crds: channel, progress: (m) => { say(`kube:up: ${m}`); } });
if (json) {
  process.stdout.write(`${JSON.stringify({ kubeconfig: kube.kubeconfigPath, server: kube.server })}\n`);
} else {
  say(`kube-apiserver ${KUBE_VERSION} is up at ${kube.server} with the Gateway API CRDs (${channel}).`);
  say(`  export KUBECONFIG=${kube.kubeconfigPath}`);
  say('No controller-manager, scheduler or kubelet run: Pods stay Pending and EndpointSlices are yours to create.');
  say('Ctrl-C stops it and deletes its data.');
}
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void kube.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// The test runner closes our stdin when it ends, even if it was killed before it could signal us.
if (json) {
  process.stdin.resume();
  process.stdin.on('end', stop);
}
