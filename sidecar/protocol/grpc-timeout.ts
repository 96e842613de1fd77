// The `grpc-timeout` request header (gRPC over HTTP/2, PROTOCOL-HTTP2.md): TimeoutValue
// TimeoutUnit, the value an ASCII integer of at most 8 digits, the unit one of H M S m u n.
// The proxy reads it to bound the call and writes the remaining time when it forwards.

const MAX_VALUE = 99_999_999;

/** Milliseconds per unit. */
const UNIT_MS: Readonly<Record<string, number>> = {
  H: 3_600_000,
  M: 60_000,
  S: 1_000,
  m: 1,
  u: 1e-3,
  n: 1e-6,
};

/**
 * The timeout in whole milliseconds, or undefined when the value is not a valid grpc-timeout (the
 * caller then treats the call as having no deadline from the client, as gRPC servers do).
 * A sub-millisecond remainder rounds up, so a 1ns timeout is 1ms, never 0 (which would mean
 * "already expired"). The spec says "positive integer"; 0 is accepted as an expired deadline
 * (grpc-go does the same) rather than being read as "no deadline".
 */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const length = value.length;
  if (length < 2 || length > 9) return undefined;
  const unitMs = UNIT_MS[value.charAt(length - 1)];
  if (unitMs === undefined) return undefined;
  let digits = 0;
  for (let i = 0; i < length - 1; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    digits = digits * 10 + c;
  }
  // Integer units are exact; u and n go through a division so rounding cannot turn 1000u into 2ms.
  if (unitMs >= 1) return digits * unitMs;
  const perMs = Math.round(1 / unitMs);
  return Math.ceil(digits / perMs);
}

/**
 * A grpc-timeout value for `ms` milliseconds, in the finest unit that fits in 8 digits. Rounds up
 * when a coarser unit is needed (as grpc-go does), so a forwarded deadline never shrinks by
 * rounding; fractions of a millisecond are kept in microseconds. Negative means expired: "0m".
 */
export function formatGrpcTimeout(ms: number): string {
  if (!(ms > 0)) return '0m';
  if (!Number.isInteger(ms)) {
    // Through whole nanoseconds first, so 0.1ms (100.00000000000001us in binary) is 100u, not 101u.
    const us = Math.ceil(Math.round(ms * 1e6) / 1e3);
    if (us <= MAX_VALUE) return `${us}u`;
  }
  const whole = Math.ceil(ms);
  if (whole <= MAX_VALUE) return `${whole}m`;
  for (const unit of ['S', 'M', 'H'] as const) {
    const value = Math.ceil(ms / (UNIT_MS[unit] as number));
    if (value <= MAX_VALUE) return `${value}${unit}`;
  }
  return `${MAX_VALUE}H`;
}
