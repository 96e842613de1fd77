import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register as globalRegistry } from 'prom-client';
import { ProxyMetrics } from '../../../sidecar/observe/metrics.js';

test('requests are counted and timed by direction, route, rule, backend and code', async () => {
  const metrics = new ProxyMetrics({ defaultMetrics: false });
  metrics.observeRequest('outbound', 'shop/reviews', '0', 'shop/reviews-v2', 200, 0.003);
  metrics.observeRequest('outbound', 'shop/reviews', '0', 'shop/reviews-v2', 200, 0.2);
  metrics.observeRequest('inbound', '', '', '', 404, 0.0001);
  const text = await metrics.metrics();
  const labels = 'direction="outbound",route="shop/reviews",rule="0",backend="shop/reviews-v2",code="200"';
  assert.match(text, new RegExp(`^sidelane_requests_total\\{${labels}\\} 2$`, 'm'));
  assert.match(text, new RegExp(`^sidelane_request_duration_seconds_count\\{${labels}\\} 2$`, 'm'));
  assert.match(text, new RegExp(`^sidelane_request_duration_seconds_bucket\\{le="0.005",${labels}\\} 1$`, 'm'));
  assert.match(text, new RegExp(`^sidelane_request_duration_seconds_bucket\\{le="0.0005",direction="inbound",.*code="404"\\} 1$`, 'm'));
  assert.match(text, /^sidelane_request_duration_seconds_bucket\{le="10",/m);
  assert.equal(metrics.contentType, globalRegistry.contentType);
});

test('TCP connections and bytes are counted per direction and backend', async () => {
  const metrics = new ProxyMetrics({ defaultMetrics: false });
  metrics.tcpOpened('outbound', 'db/postgres');
  metrics.tcpOpened('outbound', 'db/postgres');
  metrics.tcpTransferred('outbound', 'db/postgres', 100, 0);
  metrics.tcpClosed('outbound', 'db/postgres', 20, 4096);
  const text = await metrics.metrics();
  assert.match(text, /^sidelane_tcp_connections_opened_total\{direction="outbound",backend="db\/postgres"\} 2$/m);
  assert.match(text, /^sidelane_tcp_connections_active\{direction="outbound",backend="db\/postgres"\} 1$/m);
  assert.match(text, /^sidelane_tcp_bytes_total\{direction="outbound",backend="db\/postgres",flow="sent"\} 120$/m);
  assert.match(text, /^sidelane_tcp_bytes_total\{direction="outbound",backend="db\/postgres",flow="received"\} 4096$/m);
});

test('only the config version in use is reported; applies and rejections are counted', async () => {
  const metrics = new ProxyMetrics({ defaultMetrics: false });
  metrics.configApplied('v1');
  metrics.configApplied('v2');
  metrics.configRejected('invalid');
  const text = await metrics.metrics();
  assert.match(text, /^sidelane_config_info\{version="v2"\} 1$/m);
  assert.doesNotMatch(text, /version="v1"/);
  assert.match(text, /^sidelane_config_applied_total 2$/m);
  assert.match(text, /^sidelane_config_rejected_total\{reason="invalid"\} 1$/m);
});

test('each proxy has its own registry, with process metrics, and the global one stays empty', async () => {
  const first = new ProxyMetrics();
  const second = new ProxyMetrics();
  assert.notEqual(first.registry, second.registry);
  first.observeRequest('inbound', 'a/r', '0', 'a/s', 200, 0.01);
  const secondText = await second.metrics();
  assert.doesNotMatch(secondText, /^sidelane_requests_total\{/m);
  assert.match(secondText, /^process_cpu_user_seconds_total /m);
  assert.match(secondText, /^nodejs_heap_size_used_bytes /m);
  assert.doesNotMatch(await globalRegistry.metrics(), /sidelane_/);
});
