// The control-plane benchmark end to end at a tiny scale (20 Services, 10 simulated sidecars,
// 3 route changes) on the test run's API server: every phase runs and the report has numbers.
// Its controller is kept a follower, so it writes no status on other tests' routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Cleanups, runControlPlaneBench } from '../../bench/control-plane/bench.js';
import { DEFAULT_OPTIONS, validated } from '../../bench/control-plane/options.js';
import { formatReport } from '../../bench/control-plane/report.js';
import { sharedKube } from '../support/kube.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('the control-plane benchmark runs end to end at a tiny scale and reports its figures', { timeout: 180_000 }, async () => {
  const kube = await sharedKube();
  const lines: string[] = [];
  try {
    const options = validated({
      ...DEFAULT_OPTIONS,
      kubeconfig: kube.kubeconfigPath,
      prefix: `bench-smoke-${randomBytes(3).toString('hex')}`,
      services: 20,
      namespaces: 2,
      subscribers: 10,
      destinations: 5,
      watchers: 5,
      changes: 3,
      smallMesh: 10,
      build: false,
      statusWrites: false,
      idleMs: 500,
      settleMs: 500,
      rssSamples: 3,
      sidecarProcesses: 1,
      changePauseMs: 100,
      changeTimeoutMs: 20_000,
      convergeTimeoutMs: 30_000,
    });
    const report = await runControlPlaneBench(options, { root, log: (line) => lines.push(line), cleanups: new Cleanups() });
    const context = `\n${formatReport(report)}\n${lines.join('\n')}`;
    assert.deepEqual(report.failures, [], context);
    assert.ok(report.creation !== undefined && report.creation.objects === 40 && report.creation.perSecond > 0, context);
    const push = report.push;
    assert.ok(push !== undefined, context);
    assert.equal(push.incomplete, 0, context);
    assert.equal(push.latenciesMs.length, 3, context);
    assert.ok(push.latenciesMs.every((ms) => Number.isFinite(ms) && ms > 0), context);
    assert.ok(Number.isFinite(push.p50Ms) && Number.isFinite(push.p99Ms) && push.holdersMean >= 1, context);
    assert.ok(push.controllerHistogram.count >= 1, context);
    assert.ok(report.controller.rssMax > 0, context);
    assert.equal(report.controller.phases.length, 6, context);
    assert.ok(report.controller.phases.every((p) => p.wallSeconds > 0 && p.cpuSeconds >= 0 && p.rssAfter > 0), context);
    assert.ok(report.fleet !== undefined && report.fleet.connectSeconds > 0, context);
    // The real sidecar is measured when this build has `sidelane proxy` (and the host a non-loopback address).
    if (report.sidecar.skipped === undefined) {
      for (const measured of [report.sidecar.small, report.sidecar.large]) {
        assert.ok(measured !== undefined && measured.rss > 0, context);
        assert.equal(measured.requests.failed, 0, context);
      }
    }
    const text = formatReport(report);
    assert.match(text, /^(PASS|FAIL) {2}p99 push/m);
    assert.match(text, /route change → last ACK/);
  } finally {
    await kube.stop();
  }
});
