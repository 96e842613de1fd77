// A constant-rate HTTP/1.1 load generator (wrk2 and vegeta are not in Debian): sends `rate`
// GETs per second on keep-alive connections (undici Pool), times each from the moment it is
// handed to the client to the end of its response body with process.hrtime.bigint(), and prints
// the percentiles as JSON. Direct and proxied runs are measured the same way, so their difference
// is the latency the proxy adds.
//   usage: fixed-rate.ts <url> <host> <rate> <seconds> <warmup-seconds>
import { Pool } from 'undici';
import { percentile } from './stats.js';
import type { FixedRateResult } from './load.js';

const [url = '', host = '', rateText = '1000', secondsText = '10', warmupText = '1'] = process.argv.slice(2);
const rate = Number(rateText);
const seconds = Number(secondsText);
const warmupSeconds = Number(warmupText);

const pool = new Pool(new URL(url).origin, { connections: 32, pipelining: 1, keepAliveTimeout: 60_000 });
const path = new URL(url).pathname;
const warmupCount = Math.round(rate * warmupSeconds);
const total = warmupCount + Math.round(rate * seconds);
const intervalNs = 1e9 / rate;
/** Latencies in ms of the measured (post-warm-up) requests, by request number. */
const latencies = new Float64Array(total - warmupCount).fill(Number.NaN);
let sent = 0;
let completed = 0;
let errors = 0;
let maxLagNs = 0;

function send(index: number, scheduledNs: number, startNs: bigint): void {
  const sentAt = process.hrtime.bigint();
  maxLagNs = Math.max(maxLagNs, Number(sentAt - startNs) - scheduledNs);
  pool
    .request({ path, method: 'GET', headers: { host } })
    .then(async (res) => {
      await res.body.dump();
      const ms = Number(process.hrtime.bigint() - sentAt) / 1e6;
      if (res.statusCode !== 200) errors++;
      if (index >= warmupCount) latencies[index - warmupCount] = ms;
    })
    .catch(() => {
      errors++;
    })
    .finally(() => {
      completed++;
    });
}

async function main(): Promise<void> {
  const startNs = process.hrtime.bigint();
  // A 1 ms timer sends whatever is due; a late timer sends the overdue requests at once (their
  // lag is reported), so the rate holds over the run even when single ticks do not.
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = Number(process.hrtime.bigint() - startNs);
      const due = Math.min(total, Math.floor(elapsed / intervalNs) + 1);
      while (sent < due) {
        send(sent, sent * intervalNs, startNs);
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const deadline = Date.now() + 10_000;
  while (completed < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await pool.close();
  const measured = Array.from(latencies).filter((ms) => !Number.isNaN(ms)).sort((a, b) => a - b);
  const result: FixedRateResult = {
    rate,
    durationSeconds: seconds,
    sent,
    completed,
    errors: errors + (sent - completed),
    p50: percentile(measured, 50),
    p90: percentile(measured, 90),
    p99: percentile(measured, 99),
    p999: percentile(measured, 99.9),
    max: measured.at(-1) ?? Number.NaN,
    maxLagMs: maxLagNs / 1e6,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
