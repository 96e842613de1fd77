// `sidelane controller --proxy-auth tokenreview` against a real API server: a proxy showing its
// pod-bound service-account token (audience sidelane, from the TokenRequest API, as the kubelet
// projects it) gets config; claiming another namespace, service account or pod, a token for the
// API server's default audience, garbage or no token at all is refused with the right status.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { RunningController } from '../../../src/cli/controller-command.js';
import { startControlPlane } from '../../support/control-plane.js';
import { KubeHttp } from '../../../src/controller/kube/kube-http.js';
import { tokenReviewAuthenticator } from '../../../src/controller/kube/token-review.js';
import { ConfigClient } from '../../../sidecar/configsync/client.js';
import { createLogger } from '../../../sidecar/observe/log.js';
import { claim, identity } from '../../configsync/auth-fixture.js';
import { sharedKube, uniqueNamespace, type KubeEnv } from '../../support/kube.js';

let kube: KubeEnv;
let running: RunningController;
let namespace: string;
let dir: string;
/** Pod-bound to frontend-0, audience sidelane. */
let podToken: string;
/** Same service account and pod, the API server's default audience. */
let defaultAudienceToken: string;
/** Service account `other`, audience sidelane, not bound to a pod. */
let otherToken: string;

async function tokenFor(core: CoreV1Api, serviceAccount: string, audiences: string[], pod?: { name: string; uid: string }): Promise<string> {
  const request = await core.createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace,
    body: { spec: { audiences, expirationSeconds: 600, ...(pod ? { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', ...pod } } : {}) } },
  });
  const token = request.status?.token;
  assert.ok(token !== undefined && token !== '', 'TokenRequest returned no token');
  return token;
}

before(async () => {
  kube = await sharedKube();
  namespace = await uniqueNamespace(kube, 'proxy-auth');
  dir = await mkdtemp(join(tmpdir(), 'sidelane-proxy-auth-'));
  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  // No controller-manager here: the service accounts are ours to create.
  for (const name of ['frontend', 'other']) await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  // Never scheduled (no kubelet), which TokenRequest and TokenReview do not mind.
  const pod = await core.createNamespacedPod({
    namespace,
    body: { metadata: { name: 'frontend-0' }, spec: { serviceAccountName: 'frontend', containers: [{ name: 'app', image: 'registry.invalid/app:1' }] } },
  });
  const uid = pod.metadata?.uid;
  assert.ok(uid !== undefined);
  podToken = await tokenFor(core, 'frontend', ['sidelane'], { name: 'frontend-0', uid });
  defaultAudienceToken = await tokenFor(core, 'frontend', [], { name: 'frontend-0', uid });
  otherToken = await tokenFor(core, 'other', ['sidelane']);
  running = await startControlPlane(kube, { leaseNamespace: namespace, proxyAuth: 'tokenreview' });
});

after(async () => {
  await running.close();
  await rm(dir, { recursive: true, force: true });
  await kube.stop();
});

test('a proxy showing its own pod-bound token gets config', { timeout: 30_000 }, async () => {
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, podToken);
  const client = new ConfigClient({
    targets: [`127.0.0.1:${running.configPort}`],
    identity: { ...identity(namespace, 'frontend', 'frontend-0'), kind: 'sidecar' },
    apply: (_ir, version) => ({ applied: true, version }),
    log: createLogger({ level: 'silent' }),
    backoff: { baseMs: 50, maxMs: 500 },
    tokenFile,
  });
  try {
    client.start();
    assert.equal(await client.whenApplied(20_000), true);
  } finally {
    await client.close();
  }
});

test('claims the token does not back, and tokens that are not for sidelane, are refused', { timeout: 30_000 }, async () => {
  const port = running.configPort;
  const cases: [string, string | undefined, ReturnType<typeof identity>, grpc.status, RegExp][] = [
    ['another namespace', podToken, identity('elsewhere', 'frontend', 'frontend-0'), grpc.status.PERMISSION_DENIED, /service account .*\/frontend, the proxy claims elsewhere\/frontend/],
    ['another service account', podToken, identity(namespace, 'other', 'frontend-0'), grpc.status.PERMISSION_DENIED, /the proxy claims .*\/other/],
    ['another pod', podToken, identity(namespace, 'frontend', 'frontend-1'), grpc.status.PERMISSION_DENIED, /bound to pod .*frontend-0, the proxy claims .*frontend-1/],
    ["another account's token", otherToken, identity(namespace, 'frontend', 'frontend-0'), grpc.status.PERMISSION_DENIED, /service account .*\/other/],
    ['the default audience', defaultAudienceToken, identity(namespace, 'frontend', 'frontend-0'), grpc.status.UNAUTHENTICATED, /token not accepted/],
    ['garbage', 'not-a-token', identity(namespace, 'frontend', 'frontend-0'), grpc.status.UNAUTHENTICATED, /token not accepted/],
    ['no token', undefined, identity(namespace, 'frontend', 'frontend-0'), grpc.status.UNAUTHENTICATED, /no service-account token/],
  ];
  for (const [what, token, claimed, code, details] of cases) {
    const outcome = await claim(port, claimed, token === undefined ? {} : { token });
    assert.equal(outcome.admitted, false, what);
    assert.equal(outcome.code, code, `${what}: ${grpc.status[outcome.code]} ${outcome.details}`);
    assert.match(outcome.details, details, what);
  }
  // The same token and claim that pass are still admitted (nothing above poisoned the cache).
  assert.equal((await claim(port, identity(namespace, 'frontend', 'frontend-0'), { token: podToken })).admitted, true);
  // An unbound token is held to its service account alone.
  assert.equal((await claim(port, identity(namespace, 'other', 'any-pod'), { token: otherToken })).admitted, true);
  const metrics = await running.configServer.registry.metrics();
  assert.match(metrics, /sidelane_configsync_auth_refusals_total\{reason="wrong_identity"\} 4/);
  assert.match(metrics, /sidelane_configsync_auth_refusals_total\{reason="invalid_token"\} 2/);
  assert.match(metrics, /sidelane_configsync_auth_refusals_total\{reason="no_token"\} 1/);
});

test('an API server that cannot be reached is "unavailable", not a verdict on the token', { timeout: 15_000 }, async () => {
  const kc = new KubeConfig();
  // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
  kc.loadFromOptions({
    clusters: [{ name: 'gone', server: 'http://127.0.0.1:9', skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'gone', cluster: 'gone', user: 'u' }],
    currentContext: 'gone',
  });
  const authenticate = tokenReviewAuthenticator(new KubeHttp(kc), { timeoutMs: 2000 });
  const result = await authenticate('some-token', identity('web', 'frontend', 'frontend-0'));
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.equal(result.refusal, 'unavailable');
  assert.match(result.reason, /^TokenReview failed: /);
});
