// Shared set-up for the file-watch tests: examples/bookinfo.yaml split into a services file and a
// routes file in a fresh temp directory, a watcher that records every callback, and a poll with a
// deadline (file events take an unpredictable few milliseconds; a fixed sleep would be flaky).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  watchManifests,
  type ConfigUpdate,
  type LoadReport,
  type ManifestWatcher,
  type WatchManifestsOptions,
} from '../../src/controller/file-watch.js';

const bookinfoPath = fileURLToPath(new URL('../../examples/bookinfo.yaml', import.meta.url));

export interface Bookinfo {
  dir: string;
  /** Namespaces, Services, EndpointSlices. */
  services: string;
  /** The two HTTPRoutes; the producer route (reviews → reviews-v1) comes first. */
  routes: string;
  routesText: string;
}

export async function withBookinfo(fn: (b: Bookinfo) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-file-watch-'));
  try {
    const docs = (await readFile(bookinfoPath, 'utf8')).split(/^---\n/m);
    const isRoute = (doc: string): boolean => /^kind: HTTPRoute$/m.test(doc);
    const b: Bookinfo = {
      dir,
      services: join(dir, 'services.yaml'),
      routes: join(dir, 'routes.yaml'),
      routesText: docs.filter(isRoute).join('---\n'),
    };
    await writeFile(b.services, docs.filter((d) => !isRoute(d)).join('---\n'));
    await writeFile(b.routes, b.routesText);
    await fn(b);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface Recorder {
  watcher: ManifestWatcher;
  configs: ConfigUpdate[];
  problems: LoadReport[];
  recovered: ConfigUpdate[];
}

type Callbacks = 'onConfig' | 'onProblem' | 'onRecovered';

/** Starts a watcher recording its callbacks; closes it after `fn`, whatever happens. */
export async function withWatcher(
  options: Omit<WatchManifestsOptions, Callbacks | 'defaultNamespace'> & { defaultNamespace?: string },
  fn: (r: Recorder) => Promise<void>,
): Promise<void> {
  const configs: ConfigUpdate[] = [];
  const problems: LoadReport[] = [];
  const recovered: ConfigUpdate[] = [];
  const watcher = await watchManifests({
    defaultNamespace: 'default',
    ...options,
    onConfig: (u) => configs.push(u),
    onProblem: (p) => problems.push(p),
    onRecovered: (u) => recovered.push(u),
  });
  try {
    await fn({ watcher, configs, problems, recovered });
  } finally {
    await watcher.close();
  }
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** Gives file events time to arrive, for asserting that something did NOT happen. */
export function settle(ms = 400): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Backend Services of the producer route table of bookinfo/reviews:9080, in rule order. */
export function producerBackends(update: ConfigUpdate | undefined): string[] {
  const reviews = update?.ir.services.find((s) => s.ref.namespace === 'bookinfo' && s.ref.name === 'reviews');
  const table = reviews?.ports.find((p) => p.port === 9080)?.producer;
  if (table === undefined) return [];
  return [...JSON.stringify(table).matchAll(/"service":\{"name":"([^"]+)"/g)].map((m) => m[1] ?? '');
}

export function serviceNames(update: ConfigUpdate | undefined): string[] {
  return (update?.ir.services ?? []).map((s) => `${s.ref.namespace}/${s.ref.name}`);
}

export function last<T>(list: T[]): T | undefined {
  return list[list.length - 1];
}
