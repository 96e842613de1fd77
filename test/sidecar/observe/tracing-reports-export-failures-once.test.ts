import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTracing, type HeaderCarrier } from '../../../sidecar/observe/tracing.js';

function headers(): HeaderCarrier {
  const all = new Map<string, string>();
  return { get: (name) => all.get(name), set: (name, value) => all.set(name, value) };
}

test('a failing collector is reported once, flush never rejects, and recovery is reported', async () => {
  let status = 400; // not retryable: the exporter gives up at once
  const collector = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;
  const warnings: string[] = [];
  const tracing = createTracing({
    env: {},
    serviceName: 'sidelane-proxy',
    exporterUrl: `http://127.0.0.1:${port}/v1/traces`,
    onWarning: (message) => warnings.push(message),
  });
  try {
    for (let batch = 0; batch < 3; batch++) {
      tracing.startServerSpan('GET', headers(), {})?.end(200);
      await tracing.flush();
    }
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /^trace export failing: .*spans are dropped$/);
    status = 200;
    tracing.startServerSpan('GET', headers(), {})?.end(200);
    await tracing.flush();
    assert.deepEqual(warnings.slice(1), ['trace export works again']);
  } finally {
    await tracing.shutdown();
    collector.closeAllConnections();
    await new Promise((resolve) => collector.close(resolve));
  }
});
