// `sidelane injector` reads its flags, makes its certificate in the given namespace, says where it
// listens, serves /ready over HTTPS with that certificate, and stops when told to.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { Command } from 'commander';
import { CoreV1Api } from '@kubernetes/client-node';
import { duration, registerInjectorCommand } from '../../src/cli/injector-command.js';
import type { CliIo } from '../../src/cli/io.js';
import { sharedKube, uniqueNamespace, type KubeEnv } from '../support/kube.js';

let kube: KubeEnv;
let namespace: string;

before(async () => {
  kube = await sharedKube();
  namespace = await uniqueNamespace(kube, 'injector-cli');
});

after(async () => {
  await kube.kubeConfig.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace }).catch(() => undefined);
  await kube.stop();
});

test('sidelane injector listens with its own certificate and stops on a signal', { timeout: 60_000 }, async () => {
  const errors: string[] = [];
  let stop: (signal: string) => void = () => undefined;
  const io: CliIo = {
    out: () => undefined,
    err: (text) => errors.push(text),
    exitCode: () => undefined,
    env: { POD_NAMESPACE: namespace },
    untilShutdown: () => new Promise((resolve) => { stop = resolve; }),
  };
  const program = new Command('sidelane').exitOverride();
  registerInjectorCommand(program, io);
  const running = program.parseAsync([
    'injector', '--listen', '127.0.0.1:0', '--kubeconfig', kube.kubeconfigPath, '--ip-san', '127.0.0.1',
    '--webhook-config', 'sidelane-injector-absent', '--log-level', 'silent', '--resync', '1h',
  ], { from: 'user' });
  try {
    const deadline = Date.now() + 30_000;
    while (errors.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const port = /HTTPS on 127\.0\.0\.1:(\d+)/.exec(errors[0] ?? '')?.[1];
    assert.ok(port, errors.join('\n'));
    assert.match(errors[0] ?? '', new RegExp(`Secret ${namespace}/sidelane-injector-tls`));

    const secret = await kube.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace, name: 'sidelane-injector-tls' });
    const ca = Buffer.from(secret.data?.['ca.crt'] ?? '', 'base64').toString();
    const status = await new Promise<number>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: Number(port), path: '/ready', ca, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    assert.equal(status, 200);
  } finally {
    stop('SIGTERM');
  }
  await running;
  assert.match(errors.at(-1) ?? '', /SIGTERM: shutting down/);
});

test('durations read as 90d, 12h, 30s, 500ms or bare seconds; nonsense is refused', () => {
  assert.equal(duration('90d', '--x'), 90 * 86_400_000);
  assert.equal(duration('500ms', '--x'), 500);
  assert.equal(duration('30', '--x'), 30_000);
  assert.throws(() => duration('0s', '--cert-validity'), /--cert-validity must be a positive duration/);
  assert.throws(() => duration('soon', '--x'), /positive duration/);
});
