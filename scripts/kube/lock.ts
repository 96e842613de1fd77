// A cross-process lock from an exclusive mkdir, for one-time set-up that parallel test processes
// would otherwise all start. The owner's pid is kept inside: a lock whose owner died (a run killed
// mid-build) is taken over at once instead of blocking every later run.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(path);
      await writeFile(join(path, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!(await ownerAlive(path))) await rm(path, { recursive: true, force: true });
      else await sleep(1000);
    }
  }
  try {
    return await work();
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}

async function ownerAlive(path: string): Promise<boolean> {
  const text = await readFile(join(path, 'pid'), 'utf8').catch(() => undefined);
  // No pid: the owner is between mkdir and writeFile, or died right there (then the lock ages).
  if (text === undefined) return stat(path).then((s) => Date.now() - s.mtimeMs < 10_000, () => false);
  try {
    process.kill(Number(text), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
