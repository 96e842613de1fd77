// The simulated sidecars, run in forked worker processes (fleet-worker.ts) so that their gRPC work
// neither competes with the bench's own event loop nor hides in it. The parent hands out the
// subscriptions, waits for all of them to be synced, and times route changes: from just before
// the change is made to the last ACK of a delta carrying it, over every sidecar that held it.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { epochMs, type SubscriberSpec } from './subscriber.js';

export type ToWorker =
  | { type: 'start'; address: string; connectConcurrency: number; subscribers: SubscriberSpec[] }
  | { type: 'watch'; id: number; resource: string }
  | { type: 'cancel'; id: number }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'progress'; total: number; started: number; synced: number; ended: number; lastEndReason: string }
  | { type: 'holders'; id: number; count: number }
  | { type: 'done'; id: number; lastAckAt: number; answered: number };

type Progress = Extract<FromWorker, { type: 'progress' }>;

export interface ChangeSample {
  /** Sidecars that held the changed resource when the change was made. */
  holders: number;
  /** Of those, how many ACKed a delta with its new version in time. */
  answered: number;
  /** From just before the change to the last of those ACKs; undefined when not all came in time. */
  latencyMs: number | undefined;
}

export interface FleetOptions {
  address: string;
  subscribers: readonly SubscriberSpec[];
  processes: number;
  connectConcurrency: number;
}

class Worker {
  readonly child: ChildProcess;
  progress: Progress | undefined;
  readonly #waiters = new Map<string, (message: FromWorker) => void>();
  readonly #exited: Promise<void>;

  constructor(path: string) {
    this.child = fork(path, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#exited = new Promise((resolve) => this.child.once('exit', () => { resolve(); }));
    this.child.on('message', (raw: unknown) => {
      const message = raw as FromWorker;
      if (message.type === 'progress') {
        this.progress = message;
        return;
      }
      const key = `${message.type}:${message.id}`;
      this.#waiters.get(key)?.(message);
      this.#waiters.delete(key);
    });
  }

  send(message: ToWorker): void {
    if (this.child.connected) this.child.send(message);
  }

  /** The next `type` message for `id`. */
  next<T extends FromWorker['type']>(type: T, id: number): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve) => {
      this.#waiters.set(`${type}:${id}`, (message) => { resolve(message as Extract<FromWorker, { type: T }>); });
    });
  }

  forget(type: FromWorker['type'], id: number): void {
    this.#waiters.delete(`${type}:${id}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.#exited;
    clearTimeout(timer);
  }
}

export class Fleet {
  readonly #workers: Worker[];
  #sequence = 0;

  private constructor(workers: Worker[]) {
    this.#workers = workers;
  }

  /** Forks the workers and has them start connecting (round-robin split, so each hot Service's sidecars are spread). */
  static start(options: FleetOptions): Fleet {
    const path = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));
    const count = Math.max(1, Math.min(options.processes, options.subscribers.length));
    const workers = Array.from({ length: count }, () => new Worker(path));
    workers.forEach((worker, w) => {
      worker.send({
        type: 'start',
        address: options.address,
        connectConcurrency: Math.max(1, Math.ceil(options.connectConcurrency / count)),
        subscribers: options.subscribers.filter((_, i) => i % count === w),
      });
    });
    return new Fleet(workers);
  }

  get pids(): number[] {
    return this.#workers.map((w) => w.child.pid ?? 0).filter((pid) => pid > 0);
  }

  /** Summed over the workers (zeros until each has reported). */
  progress(): { synced: number; ended: number; started: number; lastEndReason: string } {
    const sum = { synced: 0, ended: 0, started: 0, lastEndReason: '' };
    for (const w of this.#workers) {
      sum.synced += w.progress?.synced ?? 0;
      sum.ended += w.progress?.ended ?? 0;
      sum.started += w.progress?.started ?? 0;
      if (w.progress?.lastEndReason) sum.lastEndReason = w.progress.lastEndReason;
    }
    return sum;
  }

  /** Resolves when `total` sidecars are synced; throws when one's stream ends, or on timeout. */
  async waitSynced(total: number, timeoutMs: number, report: (line: string) => void): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let lastReport = performance.now();
    for (;;) {
      const p = this.progress();
      if (p.ended > 0) throw new Error(`${p.ended} simulated sidecar stream(s) ended: ${p.lastEndReason}`);
      if (p.synced >= total) return;
      if (performance.now() > deadline) throw new Error(`only ${p.synced} of ${total} simulated sidecars synced within ${timeoutMs} ms`);
      if (performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        report(`${p.synced}/${total} simulated sidecars synced`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Times one change of `resource`, made by `change()` (e.g. a PATCH). */
  async measure(resource: string, change: () => Promise<void>, timeoutMs: number): Promise<ChangeSample> {
    const id = ++this.#sequence;
    const counts = await Promise.all(
      this.#workers.map(async (worker) => {
        const reply = worker.next('holders', id);
        worker.send({ type: 'watch', id, resource });
        return (await reply).count;
      }),
    );
    const holders = counts.reduce((a, b) => a + b, 0);
    // Nobody to wait for: the change would measure nothing, so it is not made.
    if (holders === 0) return { holders, answered: 0, latencyMs: undefined };
    const involved = this.#workers.filter((_, w) => (counts[w] ?? 0) > 0);
    const done = involved.map((worker) => worker.next('done', id));
    const startedAt = epochMs();
    await change();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => { resolve('timeout'); }, timeoutMs)));
    const finished = await Promise.race([Promise.all(done), timedOut]);
    clearTimeout(timer);
    if (finished === 'timeout') {
      for (const worker of involved) {
        worker.send({ type: 'cancel', id });
        worker.forget('done', id);
      }
      return { holders, answered: 0, latencyMs: undefined };
    }
    const answered = finished.reduce((sum, d) => sum + d.answered, 0);
    const lastAckAt = Math.max(...finished.map((d) => d.lastAckAt));
    // Sidecars whose stream ended meanwhile leave the watch unanswered: not a complete push.
    return { holders, answered, latencyMs: answered === holders ? lastAckAt - startedAt : undefined };
  }

  async stop(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.stop()));
  }
}
