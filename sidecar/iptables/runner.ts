// How iptables commands are run: directly (the init container is already in the pod's network
// namespace) or through `ip netns exec` (tests, and tools acting on another namespace). A seam so
// backend detection and apply work the same in both.
import { execFile } from 'node:child_process';

export interface CommandResult {
  /** Exit code; -1 when the command could not be started (`missing` says whether it was not found). */
  code: number;
  stdout: string;
  stderr: string;
  /** The program does not exist (ENOENT). */
  missing: boolean;
}

export interface CommandRunner {
  /** Runs `file args`, writing `input` to its stdin; never rejects (a failure is in the result). */
  run(file: string, args: readonly string[], input?: string): Promise<CommandResult>;
  /** A short description for error messages, e.g. `netns sl-a`. */
  readonly where: string;
}

export interface RunnerOptions {
  /** Kill a command that runs longer (ms); iptables-restore waiting for the xtables lock is bounded by -w anyway. */
  timeoutMs?: number;
}

/** Runs commands in this process's own network namespace. */
export function hostRunner(options: RunnerOptions = {}): CommandRunner {
  return { where: 'this network namespace', run: (file, args, input) => runCommand(file, args, input, options.timeoutMs ?? 60_000) };
}

/** Runs commands inside the named network namespace (`ip netns exec <name> …`); needs root. */
export function netnsRunner(namespace: string, options: RunnerOptions = {}): CommandRunner {
  return {
    where: `network namespace ${namespace}`,
    run: async (file, args, input) => {
      const result = await runCommand('ip', ['netns', 'exec', namespace, file, ...args], input, options.timeoutMs ?? 60_000);
      // `ip netns exec` reports a missing program itself, with exit code 255 and this message.
      const missing = result.missing || (result.code !== 0 && /exec of ".*" failed: No such file or directory/.test(result.stderr));
      return { ...result, missing };
    },
  };
}

function runCommand(file: string, args: readonly string[], input: string | undefined, timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ code: 0, stdout, stderr, missing: false });
        return;
      }
      const errno = (error as NodeJS.ErrnoException).code;
      const code = typeof error.code === 'number' ? error.code : -1;
      const detail = error.killed ? `killed after ${timeoutMs} ms` : typeof errno === 'string' ? errno : '';
      resolve({ code, stdout, stderr: stderr === '' ? detail : stderr, missing: errno === 'ENOENT' });
    });
    // A command that exits before reading stdin must not crash us with EPIPE; its exit code says enough.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}
