// When iptables is missing or refuses the input, the error carries a stable code, the program's
// stderr and, for iptables-restore, the line it refused: the init container's log must be enough.
// A scripted CommandRunner (the module's own seam) stands in for the programs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyInterception } from '../../../sidecar/iptables/apply.js';
import { detectBackend, restoreNoflush } from '../../../sidecar/iptables/backend.js';
import { IptablesError, IptablesErrorCode } from '../../../sidecar/iptables/errors.js';
import { DEFAULT_PLAN } from '../../../sidecar/iptables/plan.js';
import type { CommandResult, CommandRunner } from '../../../sidecar/iptables/runner.js';

function scripted(answer: (file: string, args: readonly string[]) => Partial<CommandResult>): CommandRunner & { calls: string[] } {
  const calls: string[] = [];
  return {
    where: 'a scripted namespace',
    calls,
    run: (file, args) => {
      calls.push([file, ...args].join(' '));
      return Promise.resolve({ code: 0, stdout: '', stderr: '', missing: false, ...answer(file, args) });
    },
  };
}

const missing: Partial<CommandResult> = { code: -1, missing: true, stderr: 'ENOENT' };

test('no iptables at all: NO_BACKEND, saying what to install', async () => {
  const runner = scripted(() => missing);
  await assert.rejects(detectBackend(runner), (error: unknown) => {
    assert.ok(error instanceof IptablesError);
    assert.equal(error.code, IptablesErrorCode.NoBackend);
    assert.match(error.message, /no working iptables in a scripted namespace: iptables-nft-save is not installed; iptables-legacy-save is not installed/);
    assert.match(error.message, /apt-get install iptables/);
    return true;
  });
});

test('an explicit backend that fails is reported with its stderr', async () => {
  const runner = scripted((file) => (file === 'iptables-legacy-save' ? { code: 3, stderr: "can't initialize iptables table `nat': Permission denied (you must be root)" } : {}));
  await assert.rejects(detectBackend(runner, 'legacy'), /--backend legacy was asked for, but iptables-legacy-save failed \(exit 3\): can't initialize iptables table `nat': Permission denied/);
});

test('a refused restore names the failing line, and the lock wait is used where supported', async () => {
  const runner = scripted((file, args) => {
    if (args.includes('--help')) return { stdout: file.includes('legacy') ? '[ --wait=<seconds>' : '' };
    if (args.includes('--noflush')) return { code: 1, stderr: 'iptables-restore: line 3 failed' };
    return {};
  });
  const text = '*nat\n:SIDELANE_OUTPUT - [0:0]\n-A SIDELANE_OUTPUT -j NOWHERE\nCOMMIT\n';
  await assert.rejects(restoreNoflush(runner, 'legacy', 'ipv4', text, 7), (error: unknown) => {
    assert.ok(error instanceof IptablesError);
    assert.equal(error.code, IptablesErrorCode.CommandFailed);
    assert.equal(error.message, 'iptables-legacy-restore --noflush --wait=7 failed (exit 1): iptables-restore: line 3 failed in a scripted namespace (line 3: -A SIDELANE_OUTPUT -j NOWHERE)');
    return true;
  });
  await assert.rejects(restoreNoflush(runner, 'nft', 'ipv6', text), /ip6tables-nft-restore --noflush failed/);
});

test('a bad plan is refused before any command runs', async () => {
  const runner = scripted(() => ({}));
  await assert.rejects(applyInterception({ ...DEFAULT_PLAN, excludeOutboundPorts: [0] }, { runner, backend: 'nft', ipv6: 'off' }), (error: unknown) => {
    assert.ok(error instanceof IptablesError);
    assert.equal(error.code, IptablesErrorCode.BadPort);
    return true;
  });
  assert.deepEqual(runner.calls, []);
});
