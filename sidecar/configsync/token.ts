// The proxy's service-account token, read from its projected file each time a config stream opens:
// the kubelet rewrites the file before the token expires, so a copy kept in memory would go stale.
// A file that cannot be read is logged once per distinct problem; the token is never logged.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';

export class TokenSource {
  readonly #path: string;
  readonly #log: Logger;
  #lastProblem: string | undefined;

  constructor(path: string, log: Logger) {
    this.#path = path;
    this.#log = log;
  }

  /** The token, or undefined when the file is missing, unreadable or empty (logged once per problem). */
  read(): string | undefined {
    let problem: string;
    try {
      // Synchronous on purpose: a few hundred bytes on a tmpfs, once per (re)connect, and the
      // stream is opened in the same tick (no window in which close() would race a read).
      const token = readFileSync(this.#path, 'utf8').trim();
      if (token !== '') {
        if (this.#lastProblem !== undefined) this.#log.info({ tokenFile: this.#path }, 'config stream token readable again');
        this.#lastProblem = undefined;
        return token;
      }
      problem = 'the token file is empty';
    } catch (err) {
      // The fs error names the path and the cause (ENOENT, EACCES), never the content.
      problem = err instanceof Error ? err.message : String(err);
    }
    if (problem !== this.#lastProblem) {
      this.#lastProblem = problem;
      this.#log.warn({ tokenFile: this.#path, problem }, 'config stream token unreadable; connecting without it');
    }
    return undefined;
  }
}
