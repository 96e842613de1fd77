// The process edges a command may touch, passed in so commands stay testable and only
// src/cli/main.ts touches the real process.
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  exitCode(code: number): void;
  /** The environment (OTEL_* settings and the like). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM), with the signal's name. */
  untilShutdown?: () => Promise<string>;
}
