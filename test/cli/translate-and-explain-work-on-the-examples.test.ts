// The two day-one commands, run as a user runs them (the real `sidelane` binary on examples/),
// asserting what the user reads: every example route accepted, and explain's verdicts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import YAML from 'yaml';

function sidelane(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/sidelane.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Condition {
  type: string;
  status: string;
}
interface TranslateOutput {
  statuses: { kind: string; namespace: string; name: string; parents: { conditions: Condition[] }[] }[];
}

test('sidelane translate accepts every route in examples/ and resolves every reference', () => {
  const r = sidelane('translate', '-f', 'examples/');
  assert.equal(r.status, 0, r.stderr);
  const out = YAML.parse(r.stdout) as TranslateOutput;
  const names = out.statuses.map((s) => `${s.kind}/${s.namespace}/${s.name}`);
  assert.deepEqual(names, [
    'GRPCRoute/auth/auth-login',
    'GRPCRoute/demo/greeter',
    'HTTPRoute/bookinfo/reviews',
    'HTTPRoute/demo/reviews',
    'HTTPRoute/edge/web',
    'HTTPRoute/frontend/reviews-canary',
    'HTTPRoute/shop/web',
    'HTTPRoute/store/store',
    'TCPRoute/data/db-to-primary',
    'TCPRoute/postgres/postgres',
  ]);
  for (const s of out.statuses) {
    for (const c of s.parents.flatMap((p) => p.conditions)) {
      if (c.type === 'Accepted' || c.type === 'ResolvedRefs') assert.equal(c.status, 'True', `${s.name} ${c.type}`);
    }
  }
});

test('sidelane explain: a consumer route sends version v2 from frontend to reviews-v2', () => {
  const r = sidelane('explain', '-f', 'examples/', '--from', 'frontend', 'GET http://reviews.bookinfo:9080/api -H version:v2');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /verdict\s+routed by HTTPRoute frontend\/reviews-canary rule 0 to bookinfo\/reviews-v2:9080 100%/);
});

test('sidelane explain: other namespaces get the producer route to reviews-v1', () => {
  const r = sidelane('explain', '-f', 'examples/', '--from', 'bookinfo', 'GET http://reviews:9080/api -H version:v2');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /verdict\s+routed by HTTPRoute bookinfo\/reviews rule 0 to bookinfo\/reviews-v1:9080 100%/);
});

test('sidelane explain: an unmatched request is a 404 that says which match failed', () => {
  const r = sidelane('explain', '-f', 'examples/', '--from', 'shop', 'GET http://web.shop/statusx');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /verdict\s+404: no rule matched/);
  assert.match(r.stdout, /path: "\/statusx" is not exactly "\/status"/);
});

test('sidelane explain: /status gets the header filter and the weight-10 backend', () => {
  const r = sidelane('explain', '-f', 'examples/', '--from', 'shop', '-o', 'json', 'GET http://web.shop/status');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  const text = JSON.stringify(out);
  assert.match(text, /x-route-type/);
  assert.match(text, /status-service/);
});

test('sidelane explain refuses an unreadable request with exit code 2', () => {
  const r = sidelane('explain', '-f', 'examples/', 'GET ftp://reviews/x');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unsupported scheme "ftp"/);
});
