// Waiting for a quantity to stop changing: how a test tells "the writer is stalled by backpressure"
// from "the writer is still going", without asserting on a fixed sleep. The sampled value must stay
// the same (and not be -1, "not there yet") for `quietMs`; `timeoutMs` bounds the wait.

export async function settled(sample: () => number, options: { quietMs: number; timeoutMs: number; everyMs?: number }): Promise<number> {
  const every = options.everyMs ?? 25;
  const deadline = Date.now() + options.timeoutMs;
  let last = sample();
  let since = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, every));
    const now = sample();
    if (now !== last || now === -1) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= options.quietMs) {
      return now;
    }
    if (Date.now() > deadline) throw new Error(`value did not settle within ${options.timeoutMs} ms (last ${last})`);
  }
}
