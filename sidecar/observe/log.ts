// The proxy's logs: pino, JSON, one event per line, secrets redacted by path as a first line of
// defence. The access log is one line per request with stable keys, off by default; the hot path
// checks `accessLog.enabled` before building an entry, so a disabled log costs one branch.

import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { PINO_REDACT_PATHS, REDACTED } from '../../src/ir/redact.js';

export type LogLevel = Level | 'silent';

export interface LoggerOptions {
  /** Default `info`. */
  level?: LogLevel;
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
  /** Fields on every line, e.g. `{ proxy: 'pod-a' }`. */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const loggerOptions = {
    level: options.level ?? 'info',
    base: options.base ?? null,
    redact: { paths: [...PINO_REDACT_PATHS], censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    // `"level":"info"` rather than 30: readable without pino's tooling.
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return options.destination === undefined ? pino(loggerOptions) : pino(loggerOptions, options.destination);
}

/** One request as the access log records it. Field names are the log's keys (stable). */
export interface AccessLogEntry {
  direction: 'inbound' | 'outbound' | 'gateway';
  method: string;
  authority: string;
  /** The request path; a query string is cut off (it may carry tokens). */
  path: string;
  /** Status sent to the client; 0 when none was sent. */
  status: number;
  duration_ms: number;
  route?: string | undefined;
  rule?: string | undefined;
  backend?: string | undefined;
  /** `ip:port` of the upstream endpoint. */
  endpoint?: string | undefined;
  error_code?: string | undefined;
  bytes_sent?: number | undefined;
  bytes_received?: number | undefined;
  trace_id?: string | undefined;
}

export class AccessLog {
  readonly enabled: boolean;
  readonly #logger: Logger;

  constructor(logger: Logger, enabled = false) {
    this.#logger = logger;
    this.enabled = enabled;
  }

  /**
   * Writes one line with every key present (null when unknown), in a fixed order, so log
   * pipelines see one schema. Call only when `enabled`.
   */
  write(entry: AccessLogEntry): void {
    if (!this.enabled) return;
    const query = entry.path.indexOf('?');
    this.#logger.info(
      {
        log: 'access',
        direction: entry.direction,
        method: entry.method,
        authority: entry.authority,
        path: query >= 0 ? entry.path.slice(0, query) : entry.path,
        status: entry.status,
        duration_ms: Math.round(entry.duration_ms * 1000) / 1000,
        route: entry.route ?? null,
        rule: entry.rule ?? null,
        backend: entry.backend ?? null,
        endpoint: entry.endpoint ?? null,
        error_code: entry.error_code ?? null,
        bytes_sent: entry.bytes_sent ?? null,
        bytes_received: entry.bytes_received ?? null,
        trace_id: entry.trace_id ?? null,
      },
      'access',
    );
  }
}
