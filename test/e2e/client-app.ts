// The client pod's app in the end-to-end test: plain HTTP calls to a Service's ClusterIP from inside
// the pod's network namespace, knowing nothing of the mesh (no proxy settings, a fresh connection
// per request so every call is intercepted anew). Runs as a separate `node` process in the netns.
import type { NetnsHost } from '../support/netns.js';

export interface Call {
  /** Milliseconds since the epoch when the answer (or error) arrived. */
  at: number;
  status: number;
  /** The echo's name (x-echo-name), '' when there was no answer. */
  name: string;
  error?: string;
}

const SCRIPT = `
import http from 'node:http';
const [url, count, durationMs, headerJson] = process.argv.slice(1);
const headers = JSON.parse(headerJson);
const calls = [];
const until = Date.now() + Number(durationMs);
const one = () => new Promise((resolve) => {
  const req = http.get(url, { headers, agent: false, timeout: 5000 }, (res) => {
    res.resume();
    res.on('end', () => resolve({ at: Date.now(), status: res.statusCode, name: String(res.headers['x-echo-name'] ?? '') }));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (err) => resolve({ at: Date.now(), status: 0, name: '', error: err.code ?? err.message }));
});
for (let i = 0; i < Number(count) || Date.now() < until; i++) {
  if (Number(count) > 0 && i >= Number(count)) break;
  calls.push(await one());
}
process.stdout.write(JSON.stringify(calls));
`;

/** `count` sequential calls (or as many as fit in `durationMs` when count is 0), as an app user (UID 1000). */
export async function callFromPod(host: NetnsHost, url: string, options: { count?: number; durationMs?: number; headers?: Record<string, string> }): Promise<Call[]> {
  const result = await host.mustRun(
    process.execPath,
    ['--input-type=module', '-e', SCRIPT, url, String(options.count ?? 0), String(options.durationMs ?? 0), JSON.stringify(options.headers ?? {})],
    { uid: 1000, timeoutMs: 60_000 },
  );
  return JSON.parse(result.stdout) as Call[];
}

/** How many answers came from each echo name. */
export function tally(calls: readonly Call[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    const key = call.status === 200 ? call.name : `failed:${call.error ?? String(call.status)}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
