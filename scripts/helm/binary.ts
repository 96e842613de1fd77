// Finds or provides the helm binary the chart tests run (`helm template`, `helm lint`): an explicit
// path, then the per-version cache, then a build from the Go module proxy. Only the first run on a
// machine pays (about 2-3 minutes); parallel test processes wait for one build (scripts/kube/lock.ts).
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Progress } from '../kube/binaries.js';
import { withLock } from '../kube/lock.js';

/** The helm the chart is tested with. */
export const HELM_VERSION = 'v4.3.1';

const run = promisify(execFile);
const MODULE = 'helm.sh/helm/v4';
/** `helm version` reads these; without them a `go install` build calls itself "v4.3". */
const LDFLAGS = `-s -w -X ${MODULE}/internal/version.version=${HELM_VERSION} -X ${MODULE}/internal/version.gitTreeState=clean`;

export function helmCacheDir(version = HELM_VERSION): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'sidelane', 'helm', version);
}

/** Path of a helm v4.3.1 binary: `SIDELANE_HELM`, else the cache, else built into the cache. */
export async function helmBinary(progress: Progress = () => undefined): Promise<string> {
  const explicit = process.env.SIDELANE_HELM;
  if (explicit !== undefined && explicit !== '') {
    if (!(await isFile(explicit))) throw new Error(`SIDELANE_HELM=${explicit} is not a file`);
    return explicit;
  }
  const dir = helmCacheDir();
  const cached = join(dir, 'helm');
  if (await isRightVersion(cached)) return cached;
  await mkdir(dirname(dir), { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (await isRightVersion(cached)) return cached;
    progress(`building helm ${HELM_VERSION} from the Go module proxy (a few minutes, once)`);
    await build(dir);
    if (!(await isRightVersion(cached))) throw new Error(`helm in ${dir} does not report ${HELM_VERSION} after the build`);
    return cached;
  });
}

/** A binary that is there and says it is HELM_VERSION (an older build without the ldflags is rebuilt). */
async function isRightVersion(path: string): Promise<boolean> {
  if (!(await isFile(path))) return false;
  try {
    const { stdout } = await run(path, ['version', '--template', '{{.Version}}'], { timeout: 30_000 });
    return stdout.trim() === HELM_VERSION;
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** `go install` into a scratch GOBIN next to the cache, then one rename, so no reader sees half a file. */
async function build(dir: string): Promise<void> {
  try {
    await run('go', ['version']);
  } catch {
    throw new Error(`helm ${HELM_VERSION} is not cached and Go is not installed to build it: install Go (https://go.dev/dl), or set SIDELANE_HELM to a helm ${HELM_VERSION} binary`);
  }
  const gobin = await mkdtemp(join(dirname(dir), `${HELM_VERSION}.build-`));
  try {
    await run('go', ['install', '-trimpath', '-ldflags', LDFLAGS, `${MODULE}/cmd/helm@${HELM_VERSION}`], {
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' },
      timeout: 30 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    await mkdir(dir, { recursive: true });
    await chmod(join(gobin, 'helm'), 0o755);
    await rename(join(gobin, 'helm'), join(dir, 'helm'));
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
}
