// grpc-timeout: up to 8 digits and one of H M S m u n; sub-millisecond values round up to 1ms,
// anything else is invalid. Formatting picks a unit that fits in 8 digits and round-trips.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGrpcTimeout, parseGrpcTimeout } from '../../../sidecar/protocol/grpc-timeout.js';

test('every unit parses to milliseconds', () => {
  assert.equal(parseGrpcTimeout('2H'), 7_200_000);
  assert.equal(parseGrpcTimeout('3M'), 180_000);
  assert.equal(parseGrpcTimeout('5S'), 5_000);
  assert.equal(parseGrpcTimeout('250m'), 250);
  assert.equal(parseGrpcTimeout('1500u'), 2, '1.5ms rounds up');
  assert.equal(parseGrpcTimeout('1000u'), 1);
  assert.equal(parseGrpcTimeout('2000000n'), 2);
  assert.equal(parseGrpcTimeout('99999999H'), 99_999_999 * 3_600_000);
});

test('sub-millisecond timeouts round up to 1ms; zero is an expired deadline', () => {
  assert.equal(parseGrpcTimeout('1n'), 1);
  assert.equal(parseGrpcTimeout('999u'), 1);
  assert.equal(parseGrpcTimeout('1u'), 1);
  assert.equal(parseGrpcTimeout('0m'), 0);
  assert.equal(parseGrpcTimeout('0n'), 0);
  assert.equal(parseGrpcTimeout('00000005S'), 5000, 'leading zeros are digits like any other');
});

test('invalid values are undefined', () => {
  for (const bad of [undefined, '', 'S', '5', '5s', '5h', '5ms', '123456789S', '-1S', '+1S', ' 1S', '1S ', '1.5S', '1e3m', 'abcS', '１S']) {
    assert.equal(parseGrpcTimeout(bad), undefined, JSON.stringify(bad));
  }
});

test('formatting uses milliseconds while they fit, then coarser units rounded up', () => {
  assert.equal(formatGrpcTimeout(250), '250m');
  assert.equal(formatGrpcTimeout(99_999_999), '99999999m');
  assert.equal(formatGrpcTimeout(100_000_000), '100000S');
  assert.equal(formatGrpcTimeout(100_000_001), '100001S', 'rounded up, never shortened');
  assert.equal(formatGrpcTimeout(99_999_999 * 1000 + 1), '1666667M');
  assert.equal(formatGrpcTimeout(99_999_999 * 60_000 + 1), '1666667H');
  assert.equal(formatGrpcTimeout(Number.MAX_SAFE_INTEGER), '99999999H', 'clamped to the largest value');
  assert.equal(formatGrpcTimeout(1.5), '1500u', 'fractions kept in microseconds');
  assert.equal(formatGrpcTimeout(0.1), '100u');
  assert.equal(formatGrpcTimeout(0), '0m');
  assert.equal(formatGrpcTimeout(-5), '0m');
  assert.equal(formatGrpcTimeout(Number.NaN), '0m');
});

test('format then parse gives the value back (whole milliseconds, every unit range)', () => {
  for (const ms of [1, 2, 999, 1000, 60_000, 3_600_000, 86_400_000, 99_999_999, 100_000_000, 3_600_000 * 99_999_999]) {
    const text = formatGrpcTimeout(ms);
    assert.match(text, /^\d{1,8}[HMSmun]$/);
    assert.equal(parseGrpcTimeout(text), ms, text);
  }
  for (const [text, ms] of [['7H', 25_200_000], ['7M', 420_000], ['7S', 7_000], ['7m', 7]] as const) {
    assert.equal(parseGrpcTimeout(formatGrpcTimeout(parseGrpcTimeout(text) ?? -1)), ms);
  }
});
