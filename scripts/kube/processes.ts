// Starting and stopping the local control-plane processes: free loopback ports, a child process
// whose output is kept for the error message when it dies early, and a stop that waits for exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => { resolve(port); });
    });
  });
}

export class ManagedProcess {
  readonly name: string;
  readonly #child: ChildProcess;
  #output = '';
  #exited: Promise<number | null>;

  constructor(name: string, command: string, args: string[]) {
    this.name = name;
    this.#child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString()).slice(-8000);
    };
    this.#child.stdout?.on('data', keep);
    this.#child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code) => { resolve(code); });
      this.#child.once('error', (err) => {
        this.#output += String(err);
        resolve(-1);
      });
    });
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The last output, for an error that says why the process failed. */
  get output(): string {
    return this.#output;
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
