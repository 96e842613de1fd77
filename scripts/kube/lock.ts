// A cross-process lock from an exclusive mkdir, for one-time set-up that parallel test processes
// would otherwise all start. A lock older than `staleMs` is taken over (its owner died).
import { mkdir, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export async function withLock<T>(path: string, work: () => Promise<T>, staleMs = 60 * 60_000): Promise<T> {
  for (;;) {
    try {
      await mkdir(path);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > staleMs) await rm(path, { recursive: true, force: true });
      else await sleep(1000);
    }
  }
  try {
    return await work();
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}
