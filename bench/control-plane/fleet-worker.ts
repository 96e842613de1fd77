// A process of simulated sidecars (forked by fleet.ts): connects its share of them, a bounded
// number at a time, reports how many are synced, and for a watched resource reports when the last
// sidecar holding it has ACKed a delta that changed it. Timestamps are epochMs(), so the parent
// can compare them with its own.
import type { FromWorker, ToWorker } from './fleet.js';
import { SimulatedSidecar, type SubscriberSpec } from './subscriber.js';

interface Watch {
  resource: string;
  /** Holders that have not yet ACKed a new version of `resource`, with the version they held. */
  pending: Map<SimulatedSidecar, string>;
  lastAckAt: number;
  answered: number;
}

const sidecars: SimulatedSidecar[] = [];
const synced = new Set<SimulatedSidecar>();
const watches = new Map<number, Watch>();
let queue: SubscriberSpec[] = [];
let address = '';
let connectConcurrency = 1;
let connecting = 0;
let ended = 0;
let lastEndReason = '';
let total = 0;

function send(message: FromWorker): void {
  process.send?.(message);
}

function progress(): void {
  send({ type: 'progress', total, started: sidecars.length, synced: synced.size, ended, lastEndReason });
}

function startMore(): void {
  while (connecting < connectConcurrency && queue.length > 0) {
    const spec = queue.shift();
    if (spec === undefined) break;
    const sidecar = new SimulatedSidecar(address, spec, { acked, ended: onEnded });
    sidecars.push(sidecar);
    connecting += 1;
    sidecar.start();
  }
}

function acked(sidecar: SimulatedSidecar, _delta: unknown, at: number): void {
  if (!synced.has(sidecar) && sidecar.synced) {
    synced.add(sidecar);
    connecting -= 1;
    startMore();
    if (synced.size === total) progress();
  }
  for (const [id, watch] of watches) {
    if (!watch.pending.has(sidecar) || sidecar.held.get(watch.resource) === watch.pending.get(sidecar)) continue;
    watch.pending.delete(sidecar);
    watch.answered += 1;
    watch.lastAckAt = Math.max(watch.lastAckAt, at);
    if (watch.pending.size === 0) finish(id, watch);
  }
}

function onEnded(sidecar: SimulatedSidecar, reason: string): void {
  ended += 1;
  lastEndReason = reason;
  if (!synced.has(sidecar)) {
    connecting -= 1;
    startMore();
  }
  for (const [id, watch] of watches) {
    if (watch.pending.delete(sidecar) && watch.pending.size === 0) finish(id, watch);
  }
  progress();
}

function finish(id: number, watch: Watch): void {
  watches.delete(id);
  send({ type: 'done', id, lastAckAt: watch.lastAckAt, answered: watch.answered });
}

function receive(message: ToWorker): void {
  switch (message.type) {
    case 'start':
      address = message.address;
      connectConcurrency = message.connectConcurrency;
      queue = [...message.subscribers];
      total = queue.length;
      startMore();
      progress();
      return;
    case 'watch': {
      const pending = new Map<SimulatedSidecar, string>();
      for (const sidecar of sidecars) {
        const version = sidecar.held.get(message.resource);
        if (version !== undefined && !sidecar.ended) pending.set(sidecar, version);
      }
      if (pending.size > 0) watches.set(message.id, { resource: message.resource, pending, lastAckAt: 0, answered: 0 });
      send({ type: 'holders', id: message.id, count: pending.size });
      return;
    }
    case 'cancel':
      watches.delete(message.id);
      return;
    case 'stop':
      stop();
      return;
  }
}

function stop(): void {
  clearInterval(ticker);
  for (const sidecar of sidecars) sidecar.close();
  process.off('message', onMessage);
  // Let the cancellations go out, then leave; the parent waits for the exit.
  setTimeout(() => process.exit(0), 200).unref();
  process.disconnect();
}

const onMessage = (message: unknown): void => {
  receive(message as ToWorker);
};
const ticker = setInterval(progress, 1000);
process.on('message', onMessage);
// The parent is gone (crashed or killed): nothing else would stop these streams.
process.on('disconnect', () => {
  clearInterval(ticker);
  for (const sidecar of sidecars) sidecar.close();
  setTimeout(() => process.exit(0), 200).unref();
});
