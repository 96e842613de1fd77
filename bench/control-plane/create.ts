// Creating the mesh's objects on the API server fast: plain POSTs, a fixed number in flight, a
// few retries for the answers a busy server gives (429, 5xx, a dropped connection). Services
// come back with the ClusterIP the API server assigned, which the simulated sidecars subscribe to.
import { collectionPath, isAlreadyExists, KubeApiError, type KubeHttp } from '../../src/controller/kube/kube-http.js';
import type { KubeObjectBody } from './mesh-plan.js';

const PLURALS: Record<string, string> = {
  Namespace: 'namespaces',
  Service: 'services',
  EndpointSlice: 'endpointslices',
  HTTPRoute: 'httproutes',
};

export interface CreationStats {
  objects: number;
  seconds: number;
  /** Requests retried after a 429/5xx/connection error. */
  retries: number;
}

/** Creates one object (an existing one is read instead) and returns what the API server stored. */
export async function createObject(http: KubeHttp, object: KubeObjectBody, retried: () => void = () => undefined): Promise<KubeObjectBody> {
  const plural = PLURALS[object.kind];
  if (plural === undefined) throw new Error(`no plural known for ${object.kind}`);
  const collection = collectionPath(object.apiVersion, plural, object.kind === 'Namespace' ? undefined : object.metadata.namespace);
  for (let attempt = 1; ; attempt++) {
    try {
      return (await http.request('POST', collection, { body: object, timeoutMs: 60_000 })) as KubeObjectBody;
    } catch (err) {
      if (isAlreadyExists(err)) return (await http.get(`${collection}/${object.metadata.name}`)) as KubeObjectBody;
      const status = err instanceof KubeApiError ? err.statusCode : -1;
      const transient = status === 0 || status === 429 || status >= 500;
      if (!transient || attempt >= 5) throw err;
      retried();
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/**
 * Creates `count` objects made by `make(i)` with `concurrency` requests in flight; `created` sees
 * each stored object. Reports progress every 5 s.
 */
export async function createMany(
  http: KubeHttp,
  count: number,
  make: (i: number) => KubeObjectBody,
  options: { concurrency: number; report: (line: string) => void; what: string; created?: (i: number, stored: KubeObjectBody) => void },
): Promise<CreationStats> {
  const started = performance.now();
  let next = 0;
  let done = 0;
  let retries = 0;
  const ticker = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    options.report(`${options.what}: ${done}/${count} (${Math.round(done / seconds)}/s)`);
  }, 5000);
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      try {
        const stored = await createObject(http, make(i), () => { retries += 1; });
        options.created?.(i, stored);
        done += 1;
      } catch (err) {
        next = count; // the other lanes stop too
        throw err;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, lane));
  } finally {
    clearInterval(ticker);
  }
  return { objects: count, seconds: (performance.now() - started) / 1000, retries };
}

/** Sums several creation runs (Services, slices, routes) into one rate. */
export function combine(stats: readonly CreationStats[]): CreationStats {
  return stats.reduce((a, s) => ({ objects: a.objects + s.objects, seconds: a.seconds + s.seconds, retries: a.retries + s.retries }), {
    objects: 0,
    seconds: 0,
    retries: 0,
  });
}
